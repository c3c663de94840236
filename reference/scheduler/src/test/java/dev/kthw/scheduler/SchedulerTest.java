package dev.kthw.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.apiserver.ApiServer;
import dev.kthw.client.KubeClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler against a real API server: pods bound through pods/binding, Scheduled and
 * FailedScheduling events and the PodScheduled condition as kube-scheduler writes them,
 * retry when the cluster changes, leader election (chapter 03, Verification).
 */
class SchedulerTest {

    static final String PODS = "/api/v1/namespaces/default/pods";
    static final String TAINT = "node(s) had untolerated taint {dedicated: gpu}";

    /** TaintToleration in miniature: a NoSchedule taint is tolerated only by a toleration of its key. */
    static final Plugin.Filter TAINTS = new Plugin.Filter() {
        @Override
        public String name() {
            return "TaintToleration";
        }

        @Override
        public Status filter(CycleState state, Pod pod, NodeInfo node) {
            for (Affinity.Taint t : node.node().taints()) {
                boolean tolerated = pod.tolerations().stream().anyMatch(tol -> t.key().equals(tol.key()));
                if ("NoSchedule".equals(t.effect()) && !tolerated) {
                    return Status.unresolvable("node(s) had untolerated taint " + t);
                }
            }
            return Status.SUCCESS;
        }
    };

    /** Stand-ins for PluginRegistry's plugins: the scheduler's wiring is under test here, not the plugins. */
    static final PluginCatalog CATALOG = PluginCatalog.of(
            (name, args) -> switch (name) {
                case "NodeResourcesFit" -> new Fakes.FakeResourceFit();
                case "TaintToleration" -> TAINTS;
                default -> throw new IllegalArgumentException("unknown scheduler plugin \"" + name + "\"");
            }, List.of("TaintToleration", "NodeResourcesFit"), Map.of());

    final ApiServer server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));
    final KubeClient client = new KubeClient(server.url(), "test");
    final List<Scheduler> schedulers = new ArrayList<>();

    @AfterEach
    void stop() {
        schedulers.forEach(Scheduler::close);
        server.close();
    }

    Scheduler scheduler(String identity, String configYaml) throws Exception {
        SchedulerConfiguration config = SchedulerConfiguration.parse("apiVersion: kubescheduler.config.k8s.io/v1\n"
                + "kind: KubeSchedulerConfiguration\n" + configYaml);
        Scheduler s = Scheduler.start(client, new Scheduler.Options(config, CATALOG, identity, "127.0.0.1", 0,
                Clock.systemUTC()));
        schedulers.add(s);
        return s;
    }

    Scheduler scheduler() throws Exception {
        return scheduler("only", "leaderElection: {leaderElect: false}\n");
    }

    void node(String name, String cpu, String taintKey) {
        ObjectNode node = Pod.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", name).putObject("labels").put("kubernetes.io/hostname", name);
        if (taintKey != null) {
            node.putObject("spec").putArray("taints").addObject().put("key", taintKey).put("value", "gpu")
                    .put("effect", "NoSchedule");
        }
        node.putObject("status").putObject("allocatable").put("cpu", cpu).put("memory", "4Gi").put("pods", "110");
        client.create("/api/v1/nodes", node);
    }

    void pod(String name, String cpu, String schedulerName) {
        pod(name, cpu, schedulerName, 0);
    }

    /** A pod of a PriorityClass with this value (0: none): the API server's Priority admission sets spec.priority. */
    void pod(String name, String cpu, String schedulerName, int priority) {
        ObjectNode pod = Pod.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name);
        ObjectNode spec = pod.putObject("spec");
        if (priority != 0) {
            String className = "priority-" + priority;
            if (client.list("/apis/scheduling.k8s.io/v1/priorityclasses").path("items").findValues("name").stream()
                    .noneMatch(n -> n.asText().equals(className))) {
                ObjectNode pc = Pod.JSON.createObjectNode().put("apiVersion", "scheduling.k8s.io/v1")
                        .put("kind", "PriorityClass").put("value", priority);
                pc.putObject("metadata").put("name", className);
                client.create("/apis/scheduling.k8s.io/v1/priorityclasses", pc);
            }
            spec.put("priorityClassName", className);
        }
        if (schedulerName != null) {
            spec.put("schedulerName", schedulerName);
        }
        spec.putArray("containers").addObject().put("name", "main").put("image", "busybox")
                .putObject("resources").putObject("requests").put("cpu", cpu);
        client.create(PODS, pod);
    }

    String nodeOf(String pod) {
        return client.get(PODS + "/" + pod).path("spec").path("nodeName").asText("");
    }

    List<JsonNode> events(String reason) {
        JsonNode list = client.list("/api/v1/namespaces/default/events");
        return StreamSupport.stream(list.path("items").spliterator(), false)
                .filter(e -> e.path("reason").asText().equals(reason)).toList();
    }

    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(15);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waiting for " + what).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void pendingPodsAreBoundToNodesWithRoomAndAScheduledEventSaysWhere() throws Exception {
        node("node-a", "1", null);
        node("node-b", "1", null);
        pod("web-0", "600m", null);
        pod("web-1", "600m", null);
        scheduler();

        eventually("both pods bound", () -> !nodeOf("web-0").isEmpty() && !nodeOf("web-1").isEmpty());
        eventually("two Scheduled events", () -> events("Scheduled").size() == 2);

        // 600m + 600m do not fit in one CPU: the assumed first pod kept the second off its node.
        assertThat(nodeOf("web-0")).isNotEqualTo(nodeOf("web-1"));
        JsonNode event = events("Scheduled").stream()
                .filter(e -> e.path("involvedObject").path("name").asText().equals("web-0")).findFirst().orElseThrow();
        assertThat(event.path("type").asText()).isEqualTo("Normal");
        assertThat(event.path("message").asText())
                .isEqualTo("Successfully assigned default/web-0 to " + nodeOf("web-0"));
        assertThat(event.path("source").path("component").asText()).isEqualTo("default-scheduler");
        assertThat(event.path("reportingComponent").asText()).isEqualTo("default-scheduler");
        assertThat(event.path("involvedObject").path("kind").asText()).isEqualTo("Pod");
    }

    @Test
    void aPodThatFitsNowhereIsToldWhyInKubesWordsAndIsScheduledOnceANodeFits() throws Exception {
        node("small", "1", null);
        node("gpu-1", "8", "dedicated");
        node("gpu-2", "8", "dedicated");
        pod("big", "2", null);
        scheduler();
        // DefaultPreemption is on, as in kube-scheduler: it says why evicting pods would not help either.
        String expected = "0/3 nodes are available: 1 Insufficient cpu, 2 " + TAINT + ". preemption: 0/3 nodes are "
                + "available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for "
                + "scheduling.";

        eventually("a FailedScheduling event", () -> !events("FailedScheduling").isEmpty());
        eventually("the PodScheduled condition", () -> client.get(PODS + "/big").path("status").path("conditions")
                .size() > 0);

        JsonNode failed = events("FailedScheduling").get(0);
        assertThat(failed.path("type").asText()).isEqualTo("Warning");
        assertThat(failed.path("message").asText()).isEqualTo(expected);
        JsonNode condition = client.get(PODS + "/big").path("status").path("conditions").get(0);
        assertThat(condition.path("type").asText()).isEqualTo("PodScheduled");
        assertThat(condition.path("status").asText()).isEqualTo("False");
        assertThat(condition.path("reason").asText()).isEqualTo("Unschedulable");
        assertThat(condition.path("message").asText()).isEqualTo(expected);
        assertThat(nodeOf("big")).isEmpty();

        node("large", "4", null);

        eventually("the pod bound to the new node", () -> nodeOf("big").equals("large"));
    }

    @Test
    void onlyPodsForOurSchedulerNameAreScheduled() throws Exception {
        node("node-a", "4", null);
        pod("theirs", "100m", "other-scheduler");
        pod("ours", "100m", null);
        scheduler();

        eventually("our pod bound", () -> !nodeOf("ours").isEmpty());
        Thread.sleep(300);

        assertThat(nodeOf("theirs")).isEmpty();
        assertThat(events("FailedScheduling")).isEmpty();
    }

    @Test
    void twoProfilesAreTwoSchedulerNamesAndEventsComeFromEach() throws Exception {
        node("node-a", "4", null);
        pod("default-pod", "100m", null);
        pod("batch-pod", "100m", "batch-scheduler");
        scheduler("only", "leaderElection: {leaderElect: false}\nprofiles:\n- schedulerName: default-scheduler\n"
                + "- schedulerName: batch-scheduler\n");

        eventually("both pods bound", () -> !nodeOf("default-pod").isEmpty() && !nodeOf("batch-pod").isEmpty());
        eventually("two Scheduled events", () -> events("Scheduled").size() == 2);

        assertThat(events("Scheduled")).extracting(e -> e.path("involvedObject").path("name").asText() + " from "
                + e.path("source").path("component").asText())
                .containsExactlyInAnyOrder("default-pod from default-scheduler", "batch-pod from batch-scheduler");
    }

    @Test
    void withLeaderElectionOnlyTheLeaderBindsAndTheOtherTakesOverWhenItStops() throws Exception {
        String election = "leaderElection: {leaderElect: true, leaseDuration: 2s, renewDeadline: 1500ms, "
                + "retryPeriod: 100ms}\n";
        Scheduler first = scheduler("first", election);
        eventually("a leader", first::isLeader);
        Scheduler second = scheduler("second", election);
        node("node-a", "4", null);
        for (int i = 0; i < 5; i++) {
            pod("p-" + i, "100m", null);
        }

        eventually("five pods scheduled", () -> events("Scheduled").size() == 5);
        assertThat(second.isLeader()).isFalse();
        assertThat(events("Scheduled")).allMatch(e -> e.path("reportingInstance").asText().equals("first"));
        JsonNode lease = client.get("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler");
        assertThat(lease.path("spec").path("holderIdentity").asText()).isEqualTo("first");

        first.close();
        eventually("the standby leads", second::isLeader);
        pod("after", "100m", null);

        eventually("the new pod bound", () -> !nodeOf("after").isEmpty());
        eventually("its Scheduled event", () -> events("Scheduled").size() == 6);
        assertThat(events("Scheduled")).filteredOn(e -> e.path("involvedObject").path("name").asText().equals("after"))
                .allMatch(e -> e.path("reportingInstance").asText().equals("second"));
    }

    @Test
    void aHigherPriorityPodPreemptsALowerOneAndIsBoundOnceTheVictimIsGone() throws Exception {
        node("node-a", "1", null);
        pod("low", "800m", null, 0);
        scheduler();
        eventually("the low-priority pod bound", () -> !nodeOf("low").isEmpty());

        pod("high", "800m", null, 1000);

        eventually("the victim marked for deletion", () -> client.get(PODS + "/low").path("metadata")
                .has("deletionTimestamp"));
        eventually("the preemptor nominated to node-a", () -> client.get(PODS + "/high").path("status")
                .path("nominatedNodeName").asText().equals("node-a"));
        eventually("a Preempted event", () -> !events("Preempted").isEmpty());
        JsonNode preempted = events("Preempted").get(0);
        assertThat(preempted.path("involvedObject").path("name").asText()).isEqualTo("low");
        assertThat(preempted.path("message").asText()).isEqualTo("Preempted by pod "
                + client.get(PODS + "/high").path("metadata").path("uid").asText() + " on node node-a");
        assertThat(nodeOf("high")).isEmpty();                       // the victim still holds its CPU while it stops

        // A kubelet would stop the victim and delete it for good; there is none here, so the test does.
        client.delete(PODS + "/low", Pod.JSON.createObjectNode().put("gracePeriodSeconds", 0));

        eventually("the preemptor bound where it was nominated", () -> nodeOf("high").equals("node-a"));
    }

    @Test
    void healthAndMetricsAreServed() throws Exception {
        node("node-a", "1", null);
        pod("fits", "100m", null);
        pod("too-big", "2", null);
        Scheduler s = scheduler();
        eventually("a pod bound", () -> !nodeOf("fits").isEmpty());
        eventually("a FailedScheduling event", () -> !events("FailedScheduling").isEmpty());

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + s.port();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok");
        assertThat(metrics.body())
                .contains("scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"scheduled\"} 1\n")
                .contains("scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"unschedulable\"} ")
                .contains("scheduler_scheduling_attempt_duration_seconds_count{profile=\"default-scheduler\","
                        + "result=\"scheduled\"} 1\n")
                .contains("# TYPE scheduler_scheduling_attempt_duration_seconds histogram");
        // too-big waits, unschedulable; a cluster event (fits' binding) may have moved it on to backoff.
        assertThat(gauge(metrics.body(), "scheduler_pending_pods{queue=\"unschedulable\"}")
                + gauge(metrics.body(), "scheduler_pending_pods{queue=\"backoff\"}")).isEqualTo(1);
    }

    /** The value of the sample line starting with {@code series} in a Prometheus text page. */
    private static long gauge(String page, String series) {
        return page.lines().filter(line -> line.startsWith(series + " ")).mapToLong(
                line -> Long.parseLong(line.substring(series.length() + 1).strip())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + series + " in /metrics"));
    }
}
