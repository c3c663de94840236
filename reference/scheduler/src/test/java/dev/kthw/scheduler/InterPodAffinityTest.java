package dev.kthw.scheduler;

import static dev.kthw.scheduler.Fixtures.filter;
import static dev.kthw.scheduler.Fixtures.node;
import static dev.kthw.scheduler.Fixtures.pod;
import static dev.kthw.scheduler.Fixtures.rawScores;
import static dev.kthw.scheduler.Fixtures.scores;
import static dev.kthw.scheduler.Fixtures.snapshot;
import static dev.kthw.scheduler.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kthw.api.LabelSelector;
import dev.kthw.scheduler.Affinity.PodAffinity;
import dev.kthw.scheduler.Affinity.PodAffinityTerm;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Chapter 03, Affinity: pods placed by where other pods are, by topology key. */
class InterPodAffinityTest {

    private static final String AFFINITY = "node(s) didn't match pod affinity rules";
    private static final String ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
    private static final String EXISTING = "node(s) didn't satisfy existing pods anti-affinity rules";
    private static final String HOST = "kubernetes.io/hostname";
    private static final String ZONE = "topology.kubernetes.io/zone";

    private final InterPodAffinity plugin = new InterPodAffinity();

    private static Pod app(String name, String app) {
        return pod("""
                metadata: {name: %s, labels: {app: %s}}
                """.formatted(name, app));
    }

    /**
     * A pod labelled app=APP whose podAffinity or podAntiAffinity ({@code kind}) requires one
     * term: pods labelled app=TARGET, by TOPOLOGY.
     */
    private static Pod requiring(String name, String app, String kind, String target, String topology) {
        return pod("""
                metadata: {name: %s, labels: {app: %s}}
                spec:
                  affinity:
                    %s:
                      requiredDuringSchedulingIgnoredDuringExecution:
                      - labelSelector: {matchLabels: {app: %s}}
                        topologyKey: %s
                """.formatted(name, app, kind, target, topology));
    }

    /** Zone a: a1, a2; zone b: b1; x1 has no zone label. */
    private static Snapshot cluster(Map<String, List<Pod>> podsByNode) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (Node n : List.of(node("a1", "topology.kubernetes.io/zone=a"), node("a2", "topology.kubernetes.io/zone=a"),
                node("b1", "topology.kubernetes.io/zone=b"), node("x1"))) {
            nodes.add(with(n, podsByNode.getOrDefault(n.name(), List.of()).toArray(new Pod[0])));
        }
        return new Snapshot(nodes);
    }

    @Test
    void requiredAntiAffinityByHostnameKeepsThePodOffHostsWithAMatchingPod() {
        Snapshot cluster = cluster(Map.of("a1", List.of(app("cache-0", "cache"))));
        Pod cache = requiring("cache-1", "cache", "podAntiAffinity", "cache", HOST);

        Status a1 = filter(plugin, cache, cluster, "a1");

        assertThat(a1.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
        assertThat(a1.reasons()).containsExactly(ANTI_AFFINITY);
        assertThat(filter(plugin, cache, cluster, "a2").isSuccess()).isTrue();
        assertThat(filter(plugin, cache, cluster, "x1").isSuccess()).isTrue();
    }

    @Test
    void requiredAntiAffinityByZoneKeepsThePodOutOfTheWholeZone() {
        Snapshot cluster = cluster(Map.of("a1", List.of(app("db-0", "db"))));
        Pod db = requiring("db-1", "db", "podAntiAffinity", "db", ZONE);

        assertThat(filter(plugin, db, cluster, "a2").reasons()).containsExactly(ANTI_AFFINITY);
        assertThat(filter(plugin, db, cluster, "b1").isSuccess()).isTrue();
        // A node without the zone label is in no zone, so in none with a db pod.
        assertThat(filter(plugin, db, cluster, "x1").isSuccess()).isTrue();
    }

    @Test
    void requiredAffinityPlacesThePodInTheZoneOfAMatchingPod() {
        Snapshot cluster = cluster(Map.of("a2", List.of(app("cache-0", "cache"))));
        Pod web = requiring("web", "web", "podAffinity", "cache", ZONE);

        Status b1 = filter(plugin, web, cluster, "b1");

        assertThat(filter(plugin, web, cluster, "a1").isSuccess()).isTrue();
        assertThat(b1.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(b1.reasons()).containsExactly(AFFINITY);
        assertThat(filter(plugin, web, cluster, "x1").reasons()).containsExactly(AFFINITY);
    }

    @Test
    void theFirstPodOfAGroupWithAffinityToItselfMayGoAnywhereWithTheTopologyLabel() {
        Snapshot empty = cluster(Map.of());
        Pod first = requiring("web-0", "web", "podAffinity", "web", ZONE);

        assertThat(filter(plugin, first, empty, "b1").isSuccess()).isTrue();
        assertThat(filter(plugin, first, empty, "x1").reasons()).containsExactly(AFFINITY);
    }

    @Test
    void aPodWhoseAffinityMatchesNoPodAndNotItselfFitsNowhere() {
        Pod web = requiring("web", "web", "podAffinity", "cache", ZONE);

        assertThat(filter(plugin, web, cluster(Map.of()), "a1").reasons()).containsExactly(AFFINITY);
    }

    @Test
    void existingPodsAntiAffinityIsHonouredBothWays() {
        // The db pod keeps web pods off its host; the incoming web pod has no terms of its own.
        Snapshot cluster = cluster(Map.of("a1", List.of(requiring("db-0", "db", "podAntiAffinity", "web", HOST))));
        Pod web = app("web-0", "web");

        Status a1 = filter(plugin, web, cluster, "a1");

        assertThat(a1.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
        assertThat(a1.reasons()).containsExactly(EXISTING);
        assertThat(filter(plugin, web, cluster, "a2").isSuccess()).isTrue();
        assertThat(filter(plugin, app("api-0", "api"), cluster, "a1").isSuccess()).isTrue();
    }

    @Test
    void aTermCountsPodsOfItsOwnPodsNamespaceUnlessItNamesOthers() {
        Pod otherNamespace = pod("metadata: {name: cache-0, namespace: team-b, labels: {app: cache}}");
        Snapshot cluster = cluster(Map.of("a1", List.of(otherNamespace)));
        Pod sameNamespaceOnly = requiring("cache-1", "cache", "podAntiAffinity", "cache", HOST);
        Pod naming = pod("""
                metadata: {name: cache-1, labels: {app: cache}}
                spec:
                  affinity:
                    podAntiAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                      - labelSelector: {matchLabels: {app: cache}}
                        namespaces: [team-b]
                        topologyKey: kubernetes.io/hostname
                """);
        Pod everyNamespace = pod("""
                metadata: {name: cache-1, labels: {app: cache}}
                spec:
                  affinity:
                    podAntiAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                      - labelSelector: {matchLabels: {app: cache}}
                        namespaceSelector: {}
                        topologyKey: kubernetes.io/hostname
                """);

        assertThat(filter(plugin, sameNamespaceOnly, cluster, "a1").isSuccess()).isTrue();
        assertThat(filter(plugin, naming, cluster, "a1").reasons()).containsExactly(ANTI_AFFINITY);
        assertThat(filter(plugin, everyNamespace, cluster, "a1").reasons()).containsExactly(ANTI_AFFINITY);
    }

    @Test
    void affinityNeedsOnePodMatchingEveryTerm() {
        // cache on a1 and redis on a2: no single pod is both, so no zone qualifies.
        Snapshot cluster = cluster(Map.of("a1", List.of(app("cache-0", "cache")), "a2",
                List.of(pod("metadata: {name: r, labels: {tier: redis}}"))));
        Pod web = pod("""
                metadata: {name: web, labels: {app: web}}
                spec:
                  affinity:
                    podAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                      - labelSelector: {matchLabels: {app: cache}}
                        topologyKey: topology.kubernetes.io/zone
                      - labelSelector: {matchLabels: {tier: redis}}
                        topologyKey: topology.kubernetes.io/zone
                """);

        assertThat(filter(plugin, web, cluster, "a1").reasons()).containsExactly(AFFINITY);
    }

    @Test
    void aPodWithNoTermsInAClusterWithoutAntiAffinityIsSkipped() {
        Snapshot cluster = cluster(Map.of("a1", List.of(app("cache-0", "cache"))));

        assertThat(plugin.preFilter(new CycleState(), app("web", "web"), cluster).code())
                .isEqualTo(Status.Code.SKIP);
    }

    @Test
    void preferredAffinityAndAntiAffinityOfTheIncomingPodScoreByZone() {
        Snapshot cluster = cluster(Map.of("a1", List.of(app("cache-0", "cache")), "b1", List.of(app("batch-0", "batch"))));
        Pod web = pod("""
                metadata: {name: web, labels: {app: web}}
                spec:
                  affinity:
                    podAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                      - weight: 50
                        podAffinityTerm:
                          labelSelector: {matchLabels: {app: cache}}
                          topologyKey: topology.kubernetes.io/zone
                    podAntiAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                      - weight: 30
                        podAffinityTerm:
                          labelSelector: {matchLabels: {app: batch}}
                          topologyKey: topology.kubernetes.io/zone
                """);

        // Raw: zone a +50, zone b -30, x1 (no zone) 0; min-max scaled to 0..100.
        assertThat(rawScores(plugin, web, cluster)).containsEntry("a1", 50L).containsEntry("a2", 50L)
                .containsEntry("b1", -30L).containsEntry("x1", 0L);
        assertThat(scores(plugin, web, cluster)).containsEntry("a1", 100L).containsEntry("b1", 0L)
                .containsEntry("x1", 37L);
    }

    @Test
    void anExistingPodsRequiredAffinityToTheIncomingPodDrawsItNear() {
        // hardPodAffinityWeight (1 by default) for the web pod that wants to be near the cache.
        Snapshot cluster = cluster(Map.of("b1", List.of(requiring("web-0", "web", "podAffinity", "cache", ZONE))));

        Map<String, Long> scores = scores(plugin, app("cache-0", "cache"), cluster);

        assertThat(scores).containsEntry("b1", 100L).containsEntry("a1", 0L).containsEntry("x1", 0L);
        assertThat(scores(new InterPodAffinity(0, false), app("cache-0", "cache"), cluster)).isEmpty();
    }

    @Test
    void anExistingPodsPreferredAntiAffinityPushesTheIncomingPodAway() {
        Pod noisy = pod("""
                metadata: {name: noisy, labels: {app: noisy}}
                spec:
                  affinity:
                    podAntiAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                      - weight: 10
                        podAffinityTerm:
                          labelSelector: {matchLabels: {app: web}}
                          topologyKey: kubernetes.io/hostname
                """);
        Snapshot cluster = cluster(Map.of("a1", List.of(noisy)));

        assertThat(rawScores(plugin, app("web", "web"), cluster)).containsEntry("a1", -10L).containsEntry("a2", 0L);
        assertThat(scores(new InterPodAffinity(1, true), app("web", "web"), cluster)).isEmpty();
    }

    /**
     * Not a timed test: prints how long PreFilter takes for a pod with required
     * anti-affinity in a cluster of 1,000 nodes with 10 such pods each (the benchmark's
     * shape), and checks that the result is right.
     */
    @Test
    void preFilterOverAThousandNodesWithTenAntiAffinityPodsEachIsOneWalk() {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int n = 0; n < 1000; n++) {
            Node node = node("node-" + n, "topology.kubernetes.io/zone=zone-" + (n % 3));
            NodeInfo info = NodeInfo.of(node);
            for (int p = 0; p < 10; p++) {
                info = info.withPod(antiAffine("web-" + n + "-" + p, "group-" + (n * 10 + p) % 500, node.name()));
            }
            nodes.add(info);
        }
        Snapshot cluster = new Snapshot(nodes);
        Pod incoming = antiAffine("web-new", "group-7", "");
        // Best of many rounds: the first ones run before the JIT has compiled anything.
        long preFilterBest = Long.MAX_VALUE;
        long filterBest = Long.MAX_VALUE;
        int feasible = 0;
        for (int round = 0; round < 200; round++) {
            CycleState state = new CycleState();
            long start = System.nanoTime();
            plugin.preFilter(state, incoming, cluster);
            long filterStart = System.nanoTime();
            feasible = 0;
            for (NodeInfo node : cluster.nodes()) {
                if (plugin.filter(state, incoming, node).isSuccess()) {
                    feasible++;
                }
            }
            preFilterBest = Math.min(preFilterBest, filterStart - start);
            filterBest = Math.min(filterBest, System.nanoTime() - filterStart);
        }
        System.out.printf("InterPodAffinity, 1,000 nodes x 10 pods with required anti-affinity: PreFilter %.2f ms,"
                + " Filter of every node %.2f ms (best of 200 rounds)%n", preFilterBest / 1e6, filterBest / 1e6);

        // group-7 pods sit on node-0 (p 7), node-50 (p 7), ... every 50th node: those 20 hosts are out.
        assertThat(feasible).isEqualTo(980);
    }

    private static Pod antiAffine(String name, String group, String node) {
        PodAffinityTerm oneAHost = new PodAffinityTerm(LabelSelector.of(Map.of("group", group)), List.of(), HOST, null);
        return new Pod("default", name, "", "", Pod.DEFAULT_SCHEDULER, node, 0, "PreemptLowerPriority",
                Map.of("group", group), Map.of(), new Resources(100, 1 << 20, 1), List.of(),
                new Affinity(null, null, new PodAffinity(List.of(oneAHost), List.of())), List.of(), Instant.EPOCH, false);
    }
}
