package dev.kthw.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.apiserver.ApiServer;
import dev.kthw.client.KubeClient;
import dev.kthw.testing.Graded;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Chapter 03, "The scheduler": a real API server (in-memory store), Node objects and pods
 * created through it, and the scheduler as its own client, as in a cluster with no
 * kubelets. Each test checks what a user of kubectl would see: the pod's spec.nodeName
 * after the binding, its events, its PodScheduled condition.
 *
 * <p>Scoring tests run a profile with one score plugin enabled, so that the plugin under
 * test alone decides; filtering and cycle tests run the default profile.
 */
@Tag("ch03")
class SchedulingTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PODS = "/api/v1/namespaces/default/pods";
    static final Duration PATIENCE = Duration.ofSeconds(20);

    final ApiServer server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));
    final KubeClient client = new KubeClient(server.url(), "kthw-tests");
    Scheduler scheduler;

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
        server.close();
    }

    // --- Filtering: resources, taints, node affinity ------------------------------------

    @Test
    @Graded(points = 3, task = "resources-fit")
    void aPodGoesToTheOnlyNodeWithEnoughFreeCpuAndMemory() throws Exception {
        node("small", Map.of("cpu", "1", "memory", "8Gi"), Map.of(), List.of());
        node("low-memory", Map.of("cpu", "8", "memory", "1Gi"), Map.of(), List.of());
        node("roomy", Map.of("cpu", "8", "memory", "8Gi"), Map.of(), List.of());
        pod(podSpec("web", "2", "2Gi"));
        startDefault();

        awaitBound("web");

        assertThat(nodeOf("web")).isEqualTo("roomy");
        JsonNode scheduled = awaitEvent("web", "Scheduled");
        assertThat(scheduled.path("message").asText()).isEqualTo("Successfully assigned default/web to roomy");
    }

    @Test
    @Graded(points = 2, task = "resources-fit")
    void podsAlreadyOnANodeCountAgainstItsCpuAndPodCount() throws Exception {
        node("busy", Map.of("cpu", "4", "memory", "8Gi", "pods", "10"), Map.of(), List.of());
        node("full", Map.of("cpu", "8", "memory", "8Gi", "pods", "1"), Map.of(), List.of());
        node("free", Map.of("cpu", "4", "memory", "8Gi", "pods", "10"), Map.of(), List.of());
        pod(bound(podSpec("resident", "3", "1Gi"), "busy"));
        pod(bound(podSpec("lonely", "100m", "10Mi"), "full"));
        pod(podSpec("web", "2", "1Gi"));
        startDefault();

        awaitBound("web");

        assertThat(nodeOf("web")).isEqualTo("free");
    }

    @Test
    @Graded(points = 2, task = "taint-filter")
    void aPodWithoutATolerationStaysOffATaintedNode() throws Exception {
        node("gpu", Map.of("cpu", "8", "memory", "8Gi"), Map.of(), List.of(taint("dedicated", "gpu", "NoSchedule")));
        node("plain", Map.of("cpu", "1", "memory", "1Gi"), Map.of(), List.of());
        pod(podSpec("web", "100m", "10Mi"));
        startDefault();

        awaitBound("web");

        assertThat(nodeOf("web")).isEqualTo("plain");
    }

    @Test
    @Graded(points = 2, task = "taint-tolerates")
    void aPodThatToleratesTheTaintMayLandOnTheTaintedNode() throws Exception {
        node("gpu", Map.of("cpu", "8", "memory", "8Gi"), Map.of(), List.of(taint("dedicated", "gpu", "NoSchedule")));
        node("batch", Map.of("cpu", "8", "memory", "8Gi"), Map.of(), List.of(taint("team", "batch", "NoExecute")));
        ObjectNode equal = podSpec("trainer", "1", "1Gi");
        toleration(equal, "dedicated", "Equal", "gpu", "NoSchedule");
        ObjectNode exists = podSpec("cruncher", "1", "1Gi");
        toleration(exists, "team", "Exists", null, null);
        ObjectNode wrongValue = podSpec("intruder", "1", "1Gi");
        toleration(wrongValue, "dedicated", "Equal", "tpu", "NoSchedule");
        pod(equal);
        pod(exists);
        pod(wrongValue);
        startDefault();

        awaitBound("trainer");
        awaitBound("cruncher");
        awaitEvent("intruder", "FailedScheduling");

        assertThat(nodeOf("trainer")).isEqualTo("gpu");
        assertThat(nodeOf("cruncher")).isEqualTo("batch");
        assertThat(nodeOf("intruder")).isEmpty();
    }

    @Test
    @Graded(points = 2, task = "node-affinity-filter")
    void aNodeSelectorAndRequiredNodeAffinityBothMustMatch() throws Exception {
        node("hdd", Map.of("cpu", "8", "memory", "8Gi"), Map.of("disktype", "hdd", "zone", "a"), List.of());
        node("ssd-b", Map.of("cpu", "8", "memory", "8Gi"), Map.of("disktype", "ssd", "zone", "b"), List.of());
        node("ssd-a", Map.of("cpu", "1", "memory", "1Gi"), Map.of("disktype", "ssd", "zone", "a"), List.of());
        ObjectNode pod = podSpec("db", "100m", "10Mi");
        pod.with("spec").putObject("nodeSelector").put("disktype", "ssd");
        requiredNodeAffinity(pod, "zone", "In", "a", "c");
        pod(pod);
        startDefault();

        awaitBound("db");

        assertThat(nodeOf("db")).isEqualTo("ssd-a");
    }

    @Test
    @Graded(points = 2, task = "node-affinity-match")
    void nodeAffinityOperatorsNotInExistsAndGtCompareLabels() throws Exception {
        node("old", Map.of("cpu", "8", "memory", "8Gi"), Map.of("generation", "3", "zone", "a"), List.of());
        node("spot", Map.of("cpu", "8", "memory", "8Gi"), Map.of("generation", "7", "zone", "b", "spot", ""), List.of());
        node("new", Map.of("cpu", "1", "memory", "1Gi"), Map.of("generation", "7", "zone", "c"), List.of());
        ObjectNode pod = podSpec("app", "100m", "10Mi");
        ObjectNode term = requiredNodeAffinity(pod, "generation", "Gt", "5");
        term.withArray("matchExpressions").addObject().put("key", "spot").put("operator", "DoesNotExist");
        term.withArray("matchExpressions").addObject().put("key", "zone").put("operator", "NotIn")
                .putArray("values").add("a").add("b");
        term.withArray("matchExpressions").addObject().put("key", "zone").put("operator", "Exists");
        pod(pod);
        startDefault();

        awaitBound("app");

        assertThat(nodeOf("app")).isEqualTo("new");
    }

    // --- Scoring -----------------------------------------------------------------------------

    @Test
    @Graded(points = 3, task = "resources-score")
    void leastAllocatedScoringSendsAPodToTheEmptierNode() throws Exception {
        node("loaded", Map.of("cpu", "4", "memory", "4Gi"), Map.of(), List.of());
        node("empty", Map.of("cpu", "4", "memory", "4Gi"), Map.of(), List.of());
        pod(bound(podSpec("resident", "3", "3Gi"), "loaded"));
        pod(podSpec("web", "500m", "500Mi"));
        startWith(onlyScore("NodeResourcesFit"));

        awaitBound("web");

        assertThat(nodeOf("web")).isEqualTo("empty");
    }

    @Test
    @Graded(points = 2, task = "resources-score")
    void mostAllocatedScoringPacksPodsOntoTheFullerNode() throws Exception {
        node("loaded", Map.of("cpu", "4", "memory", "4Gi"), Map.of(), List.of());
        node("empty", Map.of("cpu", "4", "memory", "4Gi"), Map.of(), List.of());
        pod(bound(podSpec("resident", "2", "2Gi"), "loaded"));
        pod(podSpec("web", "500m", "500Mi"));
        startWith(onlyScore("NodeResourcesFit") + "  pluginConfig:\n  - name: NodeResourcesFit\n    args:\n"
                + "      scoringStrategy:\n        type: MostAllocated\n");

        awaitBound("web");

        assertThat(nodeOf("web")).isEqualTo("loaded");
    }

    @Test
    @Graded(points = 2, task = "taint-score")
    void aPreferNoScheduleTaintSendsPodsElsewhereWhenThereIsAChoice() throws Exception {
        node("tainted", Map.of("cpu", "4", "memory", "4Gi"), Map.of(), List.of(taint("flaky", "", "PreferNoSchedule")));
        node("clean", Map.of("cpu", "4", "memory", "4Gi"), Map.of(), List.of());
        for (int i = 0; i < 3; i++) {
            pod(podSpec("web-" + i, "100m", "10Mi"));
        }
        startWith(onlyScore("TaintToleration"));

        for (int i = 0; i < 3; i++) {
            awaitBound("web-" + i);
            assertThat(nodeOf("web-" + i)).as("web-" + i).isEqualTo("clean");
        }
    }

    @Test
    @Graded(points = 2, task = "node-affinity-score")
    void preferredNodeAffinityPicksTheNodeWithTheHeavierMatchingTerms() throws Exception {
        node("zone-a", Map.of("cpu", "4", "memory", "4Gi"), Map.of("zone", "a"), List.of());
        node("zone-b", Map.of("cpu", "4", "memory", "4Gi"), Map.of("zone", "b", "disktype", "ssd"), List.of());
        node("zone-c", Map.of("cpu", "4", "memory", "4Gi"), Map.of("zone", "c", "disktype", "ssd"), List.of());
        ObjectNode pod = podSpec("web", "100m", "10Mi");
        preferredNodeAffinity(pod, 10, "zone", "a");
        preferredNodeAffinity(pod, 30, "disktype", "ssd");
        preferredNodeAffinity(pod, 25, "zone", "c");
        pod(pod);
        startWith(onlyScore("NodeAffinity"));

        awaitBound("web");

        assertThat(nodeOf("web")).isEqualTo("zone-c");
    }

    // --- The cycle ---------------------------------------------------------------------------

    @Test
    @Graded(points = 2, task = "find-feasible")
    void amongManyNodesTheOneThatFitsIsFound() throws Exception {
        for (int i = 0; i < 30; i++) {
            node(String.format("node-%02d", i), Map.of("cpu", "1", "memory", "1Gi"), Map.of(), List.of());
        }
        node("node-big", Map.of("cpu", "16", "memory", "32Gi"), Map.of(), List.of());
        pod(podSpec("batch", "8", "16Gi"));
        startDefault();

        awaitBound("batch");

        assertThat(nodeOf("batch")).isEqualTo("node-big");
    }

    @Test
    @Graded(points = 2, task = "prioritize")
    void weightedScoresDecideBetweenPluginsThatDisagree() throws Exception {
        // NodeAffinity (weight 1 here) gives "preferred" 100 and "empty" 0; NodeResourcesFit
        // (weight 5) gives "preferred" about 23 (it is 3/4 full) and "empty" about 97.
        // Weighted, "empty" wins (100 + 5 x 23 = 215 < 5 x 97 = 485); summed without weights, "preferred" would (123 > 97).
        node("preferred", Map.of("cpu", "4", "memory", "4Gi"), Map.of("tier", "gold"), List.of());
        node("empty", Map.of("cpu", "4", "memory", "4Gi"), Map.of(), List.of());
        pod(bound(podSpec("resident", "3", "3Gi"), "preferred"));
        ObjectNode pod = podSpec("web", "100m", "10Mi");
        preferredNodeAffinity(pod, 1, "tier", "gold");
        pod(pod);
        startWith("  plugins:\n    score:\n      disabled:\n      - name: '*'\n      enabled:\n"
                + "      - name: NodeAffinity\n        weight: 1\n      - name: NodeResourcesFit\n        weight: 5\n");

        awaitBound("web");

        assertThat(nodeOf("web")).isEqualTo("empty");
    }

    @Test
    @Graded(points = 3, task = "select-host")
    void podsSpreadOverEqualNodesBecauseEachAssumedPodCounts() throws Exception {
        for (String n : List.of("node-a", "node-b", "node-c", "node-d")) {
            node(n, Map.of("cpu", "2", "memory", "2Gi"), Map.of(), List.of());
        }
        for (int i = 0; i < 8; i++) {
            pod(podSpec("web-" + i, "1", "512Mi"));
        }
        startDefault();

        Map<String, Integer> perNode = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            awaitBound("web-" + i);
            perNode.merge(nodeOf("web-" + i), 1, Integer::sum);
        }

        // Each node has room for exactly two of these pods: only a cache that counts the
        // pods it has just placed (before their bindings come back) gets all eight placed.
        assertThat(perNode).containsOnlyKeys("node-a", "node-b", "node-c", "node-d");
        assertThat(perNode.values()).containsOnly(2);
    }

    @Test
    @Graded(points = 3, task = "fit-error")
    void aPodThatFitsNowhereGetsKubesMessageInAnEventAndItsCondition() throws Exception {
        node("small", Map.of("cpu", "1", "memory", "8Gi"), Map.of(), List.of());
        node("gpu-1", Map.of("cpu", "8", "memory", "8Gi"), Map.of(), List.of(taint("dedicated", "gpu", "NoSchedule")));
        node("gpu-2", Map.of("cpu", "8", "memory", "8Gi"), Map.of(), List.of(taint("dedicated", "gpu", "NoSchedule")));
        pod(podSpec("big", "2", "1Gi"));
        startDefault();

        JsonNode event = awaitEvent("big", "FailedScheduling");

        String why = "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.";
        assertThat(event.path("type").asText()).isEqualTo("Warning");
        assertThat(event.path("message").asText()).startsWith(why);
        JsonNode condition = awaitCondition("big");
        assertThat(condition.path("status").asText()).isEqualTo("False");
        assertThat(condition.path("reason").asText()).isEqualTo("Unschedulable");
        assertThat(condition.path("message").asText()).startsWith(why);
        assertThat(nodeOf("big")).isEmpty();
    }

    @Test
    @Graded(points = 3, task = "select-victims")
    void aHigherPriorityPodPreemptsALowerPriorityOne() throws Exception {
        client.create("/apis/scheduling.k8s.io/v1/priorityclasses", JSON.readTree(
                "{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\",\"metadata\":{\"name\":\"high\"},"
                        + "\"value\":1000}"));
        node("only", Map.of("cpu", "2", "memory", "2Gi"), Map.of(), List.of());
        pod(bound(podSpec("low", "1500m", "1Gi"), "only"));
        ObjectNode urgent = podSpec("urgent", "1", "1Gi");
        urgent.with("spec").put("priorityClassName", "high");
        pod(urgent);
        startDefault();

        // The scheduler deletes the victim gracefully; with no kubelet here, the test plays the
        // kubelet's part once the deletion has begun: it removes the pod for good.
        eventually("the victim being deleted", () -> client.get(PODS + "/low").path("metadata")
                .has("deletionTimestamp"));
        client.delete(PODS + "/low", JSON.createObjectNode().put("apiVersion", "v1").put("kind", "DeleteOptions")
                .put("gracePeriodSeconds", 0));
        awaitBound("urgent");

        assertThat(nodeOf("urgent")).isEqualTo("only");
        assertThat(exists("low")).as("the victim is gone").isFalse();
        assertThat(awaitEvent("low", "Preempted").path("message").asText()).startsWith("Preempted by pod");
    }

    // --- Helpers ----------------------------------------------------------------------------

    void startDefault() throws Exception {
        startWith("");
    }

    /** Starts the scheduler with one profile; {@code profile} is YAML under the profile's entry. */
    void startWith(String profile) throws Exception {
        scheduler = start(client, profile);
    }

    /** A scheduler for {@code client}: one profile ({@code profile}: YAML under its entry), no leader election, no port. */
    static Scheduler start(KubeClient client, String profile) throws Exception {
        String yaml = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
                + "leaderElection:\n  leaderElect: false\nprofiles:\n- schedulerName: default-scheduler\n" + profile;
        return Scheduler.start(client, new Scheduler.Options(SchedulerConfiguration.parse(yaml),
                PluginRegistry.catalog(), "test", "127.0.0.1", -1, Clock.systemUTC()));
    }

    static String onlyScore(String plugin) {
        return "  plugins:\n    score:\n      disabled:\n      - name: '*'\n      enabled:\n      - name: " + plugin + "\n";
    }

    void node(String name, Map<String, String> allocatable, Map<String, String> labels, List<ObjectNode> taints) {
        node(client, name, allocatable, labels, taints);
    }

    /** Creates a Node through {@code client}, its capacity as its allocatable, 110 pods. */
    static void node(KubeClient client, String name, Map<String, String> allocatable, Map<String, String> labels,
                     List<ObjectNode> taints) {
        ObjectNode node = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Node");
        ObjectNode meta = node.putObject("metadata").put("name", name);
        ObjectNode nodeLabels = meta.putObject("labels").put("kubernetes.io/hostname", name);
        labels.forEach(nodeLabels::put);
        node.putObject("spec").putArray("taints").addAll(taints);
        ObjectNode status = node.putObject("status");
        ObjectNode alloc = status.putObject("allocatable").put("pods", "110");
        allocatable.forEach(alloc::put);
        status.set("capacity", alloc.deepCopy());
        client.create("/api/v1/nodes", node);
    }

    static ObjectNode taint(String key, String value, String effect) {
        return JSON.createObjectNode().put("key", key).put("value", value).put("effect", effect);
    }

    static ObjectNode podSpec(String name, String cpu, String memory) {
        ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name);
        pod.putObject("spec").putArray("containers").addObject().put("name", "main").put("image", "busybox")
                .putObject("resources").putObject("requests").put("cpu", cpu).put("memory", memory);
        return pod;
    }

    /** A pod created already on a node (spec.nodeName set), as if scheduled before. */
    static ObjectNode bound(ObjectNode pod, String node) {
        pod.with("spec").put("nodeName", node);
        return pod;
    }

    static void toleration(ObjectNode pod, String key, String operator, String value, String effect) {
        ObjectNode t = pod.with("spec").withArray("tolerations").addObject().put("key", key).put("operator", operator);
        if (value != null) {
            t.put("value", value);
        }
        if (effect != null) {
            t.put("effect", effect);
        }
    }

    /** Adds one required node-affinity term with one expression; returns the term for more. */
    static ObjectNode requiredNodeAffinity(ObjectNode pod, String key, String operator, String... values) {
        ObjectNode term = pod.with("spec").with("affinity").with("nodeAffinity")
                .with("requiredDuringSchedulingIgnoredDuringExecution").withArray("nodeSelectorTerms").addObject();
        ObjectNode expression = term.putArray("matchExpressions").addObject().put("key", key).put("operator", operator);
        for (String v : values) {
            expression.withArray("values").add(v);
        }
        return term;
    }

    static void preferredNodeAffinity(ObjectNode pod, int weight, String key, String value) {
        pod.with("spec").with("affinity").with("nodeAffinity")
                .withArray("preferredDuringSchedulingIgnoredDuringExecution").addObject().put("weight", weight)
                .putObject("preference").putArray("matchExpressions").addObject().put("key", key).put("operator", "In")
                .putArray("values").add(value);
    }

    void pod(ObjectNode pod) {
        client.create(PODS, pod);
    }

    String nodeOf(String pod) {
        return client.get(PODS + "/" + pod).path("spec").path("nodeName").asText("");
    }

    boolean exists(String pod) {
        return StreamSupport.stream(client.list(PODS).path("items").spliterator(), false)
                .anyMatch(p -> p.path("metadata").path("name").asText().equals(pod));
    }

    void awaitBound(String pod) throws InterruptedException {
        eventually(pod + " bound to a node", () -> !nodeOf(pod).isEmpty());
    }

    JsonNode awaitEvent(String pod, String reason) throws InterruptedException {
        JsonNode[] found = new JsonNode[1];
        eventually("a " + reason + " event for " + pod, () -> {
            for (JsonNode e : client.list("/api/v1/namespaces/default/events").path("items")) {
                if (e.path("reason").asText().equals(reason)
                        && e.path("involvedObject").path("name").asText().equals(pod)) {
                    found[0] = e;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    JsonNode awaitCondition(String pod) throws InterruptedException {
        JsonNode[] found = new JsonNode[1];
        eventually("the PodScheduled condition of " + pod, () -> {
            for (JsonNode c : client.get(PODS + "/" + pod).path("status").path("conditions")) {
                if (c.path("type").asText().equals("PodScheduled")) {
                    found[0] = c;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Polls until the condition holds; fails after {@link #PATIENCE}, naming what it waited for. */
    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                fail("gave up after " + PATIENCE.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
