package dev.kthw.scheduler;

import static dev.kthw.scheduler.Fixtures.filter;
import static dev.kthw.scheduler.Fixtures.node;
import static dev.kthw.scheduler.Fixtures.pod;
import static dev.kthw.scheduler.Fixtures.rawScores;
import static dev.kthw.scheduler.Fixtures.scores;
import static dev.kthw.scheduler.Fixtures.snapshot;
import static dev.kthw.scheduler.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Chapter 03, Topology spread: maxSkew over the domains of a topology key. */
class PodTopologySpreadTest {

    private static final String SKEW = "node(s) didn't match pod topology spread constraints";
    private static final String MISSING = "node(s) didn't match pod topology spread constraints (missing required label)";

    private final PodTopologySpread plugin = new PodTopologySpread();

    private static Pod web(String name) {
        return pod("metadata: {name: %s, labels: {app: web}}".formatted(name));
    }

    /** A web pod spreading web pods over zones: maxSkew, whenUnsatisfiable and anything else under the constraint. */
    private static Pod spreading(int maxSkew, String when, String extra) {
        return pod("""
                metadata: {name: web-new, labels: {app: web}}
                spec:
                  topologySpreadConstraints:
                  - maxSkew: %d
                    topologyKey: zone
                    whenUnsatisfiable: %s
                    labelSelector: {matchLabels: {app: web}}
                %s
                """.formatted(maxSkew, when, extra.indent(4)));
    }

    private static Pod spreading(int maxSkew) {
        return spreading(maxSkew, "DoNotSchedule", "");
    }

    @Test
    void aNodeInTheFullerZoneIsRejectedWhenTheSkewWouldExceedMaxSkew() {
        // Zone a holds 2 web pods, zone b none: one more in a makes the skew 3 - 0 = 3 > 1.
        Snapshot cluster = snapshot(with(node("a1", "zone=a"), web("w0"), web("w1")), with(node("b1", "zone=b")));

        Status a1 = filter(plugin, spreading(1), cluster, "a1");

        assertThat(a1.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
        assertThat(a1.reasons()).containsExactly(SKEW);
        assertThat(filter(plugin, spreading(1), cluster, "b1").isSuccess()).isTrue();
        assertThat(filter(plugin, spreading(3), cluster, "a1").isSuccess()).isTrue();
    }

    @Test
    void aNodeWithoutTheTopologyKeyIsInNoDomain() {
        Snapshot cluster = snapshot(node("a1", "zone=a"), node("bare"));

        Status bare = filter(plugin, spreading(1), cluster, "bare");

        assertThat(bare.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(bare.reasons()).containsExactly(MISSING);
    }

    @Test
    void onlyLivePodsTheSelectorMatchesInThePodsNamespaceCount() {
        Snapshot cluster = snapshot(
                with(node("a1", "zone=a"),
                        pod("metadata: {name: db, labels: {app: db}}"),
                        pod("metadata: {name: other, namespace: team-b, labels: {app: web}}"),
                        pod("metadata: {name: leaving, labels: {app: web}, deletionTimestamp: \"2025-01-01T00:00:00Z\"}")),
                with(node("b1", "zone=b")));

        assertThat(filter(plugin, spreading(1), cluster, "a1").isSuccess()).isTrue();
    }

    @Test
    void aPodTheSelectorDoesNotMatchDoesNotCountItself() {
        // Zone a already has 1 more web pod than zone b; a pod that is not web does not add to it.
        Snapshot cluster = snapshot(with(node("a1", "zone=a"), web("w0")), with(node("b1", "zone=b")));
        Pod api = pod("""
                metadata: {name: api, labels: {app: api}}
                spec:
                  topologySpreadConstraints:
                  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
                """);

        assertThat(filter(plugin, api, cluster, "a1").isSuccess()).isTrue();
        assertThat(filter(plugin, spreading(1), cluster, "a1").reasons()).containsExactly(SKEW);
    }

    @Test
    void withFewerDomainsThanMinDomainsTheGlobalMinimumIsZero() {
        // Two zones with one web pod each: skew 1 + 1 - 1 = 1 is fine, but minDomains 3 says
        // a third zone is expected, whose count (0) is the minimum.
        Snapshot cluster = snapshot(with(node("a1", "zone=a"), web("w0")), with(node("b1", "zone=b"), web("w1")));

        assertThat(filter(plugin, spreading(1), cluster, "a1").isSuccess()).isTrue();
        assertThat(filter(plugin, spreading(1, "DoNotSchedule", "minDomains: 3"), cluster, "a1").reasons())
                .containsExactly(SKEW);
        assertThat(filter(plugin, spreading(1, "DoNotSchedule", "minDomains: 2"), cluster, "a1").isSuccess()).isTrue();
    }

    @Test
    void domainsOfNodesThePodsNodeSelectorExcludesDoNotCount() {
        // Zone c is empty but the pod may not go there: the minimum is zone a's and b's 1, not 0.
        Snapshot cluster = snapshot(with(node("a1", "zone=a", "disk=ssd"), web("w0")),
                with(node("b1", "zone=b", "disk=ssd"), web("w1")), with(node("c1", "zone=c")));
        Pod ssdOnly = pod("""
                metadata: {name: web-new, labels: {app: web}}
                spec:
                  nodeSelector: {disk: ssd}
                  topologySpreadConstraints:
                  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
                """);

        assertThat(filter(plugin, ssdOnly, cluster, "a1").isSuccess()).isTrue();
        assertThat(filter(plugin, spreading(1), cluster, "a1").reasons()).containsExactly(SKEW);
    }

    @Test
    void aPodWithoutHardConstraintsIsSkipped() {
        Snapshot cluster = snapshot(node("a1", "zone=a"));

        assertThat(plugin.preFilter(new CycleState(), web("w"), cluster).code()).isEqualTo(Status.Code.SKIP);
        assertThat(plugin.preFilter(new CycleState(), spreading(1, "ScheduleAnyway", ""), cluster).code())
                .isEqualTo(Status.Code.SKIP);
    }

    @Test
    void scheduleAnywayScoresTheEmptierZoneHigher() {
        Snapshot cluster = snapshot(with(node("a1", "zone=a"), web("w0"), web("w1")), with(node("a2", "zone=a")),
                with(node("b1", "zone=b")));
        Pod soft = spreading(1, "ScheduleAnyway", "");

        // Zone a: 2 pods x log(2 domains + 2) = 2.77, rounded 3; zone b: 0. Fewer is better.
        assertThat(rawScores(plugin, soft, cluster)).containsEntry("a1", 3L).containsEntry("a2", 3L)
                .containsEntry("b1", 0L);
        assertThat(scores(plugin, soft, cluster)).containsEntry("a1", 0L).containsEntry("b1", 100L);
        // The hard constraint would have rejected zone a; the soft one only ranks it lower.
        assertThat(filter(plugin, soft, cluster, "a1").isSuccess()).isTrue();
    }

    @Test
    void onlyTheDomainsOfFeasibleNodesAreScoredAndANodeWithoutTheKeyGetsZero() {
        Snapshot cluster = snapshot(with(node("a1", "zone=a"), web("w0")), with(node("b1", "zone=b")),
                with(node("bare")));
        Pod soft = spreading(1, "ScheduleAnyway", "");

        var scores = scores(plugin, soft, cluster, List.of(cluster.get("a1"), cluster.get("bare")));

        // Zone a is the only domain left (b1 did not pass filtering): it gets the top score.
        assertThat(scores).containsEntry("a1", 100L).containsEntry("bare", 0L);
    }
}
