package dev.kthw.scheduler;

import static dev.kthw.scheduler.Fixtures.filter;
import static dev.kthw.scheduler.Fixtures.node;
import static dev.kthw.scheduler.Fixtures.nodeFrom;
import static dev.kthw.scheduler.Fixtures.pod;
import static dev.kthw.scheduler.Fixtures.rawScores;
import static dev.kthw.scheduler.Fixtures.snapshot;
import static dev.kthw.scheduler.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Chapter 03, Filtering and Scoring: requests against allocatable, and how full a node would be. */
class NodeResourcesFitTest {

    private final NodeResourcesFit plugin = new NodeResourcesFit();

    /** A pod requesting this much cpu and memory, in one container. */
    private static Pod requesting(String name, String cpu, String memory) {
        return pod("""
                metadata: {name: %s}
                spec:
                  containers:
                  - name: c
                    resources: {requests: {cpu: "%s", memory: "%s"}}
                """.formatted(name, cpu, memory));
    }

    @Test
    void aPodFitsWhenItsRequestsStayWithinWhatIsLeft() {
        // 4 cpus, 3 of them requested: one more cpu still fits.
        Snapshot cluster = snapshot(with(node("n1"), requesting("busy", "3", "1Gi")));

        assertThat(filter(plugin, requesting("web", "1", "1Gi"), cluster, "n1").isSuccess()).isTrue();
    }

    @Test
    void tooLittleCpuIsInsufficientCpuAndPreemptionMayHelp() {
        Snapshot cluster = snapshot(with(node("n1"), requesting("busy", "3500m", "1Gi")));

        Status status = filter(plugin, requesting("web", "1", "1Gi"), cluster, "n1");

        assertThat(status.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
        assertThat(status.reasons()).containsExactly("Insufficient cpu");
    }

    @Test
    void everyResourceThatIsShortIsNamed() {
        Snapshot cluster = snapshot(with(node("n1"), requesting("busy", "4", "8Gi")));

        Status status = filter(plugin, requesting("web", "100m", "1Mi"), cluster, "n1");

        assertThat(status.reasons()).containsExactly("Insufficient cpu", "Insufficient memory");
    }

    @Test
    void theNodesPodCountIsAResourceToo() {
        Node small = nodeFrom("""
                metadata: {name: small}
                status: {allocatable: {cpu: "4", memory: 8Gi, pods: "2"}}
                """);
        Snapshot cluster = snapshot(with(small, pod("metadata: {name: a}"), pod("metadata: {name: b}")));

        Status status = filter(plugin, pod("metadata: {name: c}"), cluster, "small");

        assertThat(status.reasons()).containsExactly("Too many pods");
    }

    @Test
    void aPodThatRequestsNothingFitsOnAFullNode() {
        Snapshot cluster = snapshot(with(node("n1"), requesting("busy", "4", "8Gi")));

        assertThat(filter(plugin, pod("metadata: {name: besteffort}"), cluster, "n1").isSuccess()).isTrue();
    }

    @Test
    void anInitContainerLargerThanTheContainersSetsTheRequest() {
        // Init containers run one at a time before the others: the pod needs the larger of the two.
        Pod migrate = pod("""
                metadata: {name: migrate}
                spec:
                  initContainers:
                  - {name: init, resources: {requests: {cpu: "3"}}}
                  containers:
                  - {name: app, resources: {requests: {cpu: 500m}}}
                """);
        Snapshot cluster = snapshot(with(node("n1"), requesting("busy", "2", "1Gi")));

        assertThat(filter(plugin, migrate, cluster, "n1").reasons()).containsExactly("Insufficient cpu");
    }

    @Test
    void leastAllocatedScoresTheShareLeftFreeAfterPlacingThePod() {
        // Empty node: 3 of 4 cpus and 6 of 8Gi stay free, 75 each. Half-used node: 50.
        Snapshot cluster = snapshot(with(node("empty")), with(node("half"), requesting("busy", "1", "2Gi")));

        assertThat(rawScores(plugin, requesting("web", "1", "2Gi"), cluster))
                .containsEntry("empty", 75L).containsEntry("half", 50L);
    }

    @Test
    void scoringCountsAPodThatRequestsNothingAs100mCpuAnd200MiMemory() {
        Node small = nodeFrom("""
                metadata: {name: small}
                status: {allocatable: {cpu: "1", memory: 1Gi, pods: "110"}}
                """);
        Snapshot cluster = snapshot(small);

        // cpu: (1000 - 100) * 100 / 1000 = 90; memory: (1024Mi - 200Mi) * 100 / 1024Mi = 80; average 85.
        assertThat(rawScores(plugin, pod("metadata: {name: besteffort}"), cluster)).containsEntry("small", 85L);
    }

    @Test
    void existingPodsThatRequestNothingAlsoCountWhenScoring() {
        Snapshot cluster = snapshot(with(node("quiet")),
                with(node("crowded"), pod("metadata: {name: a}"), pod("metadata: {name: b}")));

        var scores = rawScores(plugin, requesting("web", "1", "2Gi"), cluster);

        assertThat(scores.get("crowded")).isLessThan(scores.get("quiet"));
    }

    @Test
    void mostAllocatedFromArgsPrefersTheFullerNode() throws Exception {
        NodeResourcesFit packing = NodeResourcesFit.fromArgs(new ObjectMapper().readTree(
                "{\"scoringStrategy\": {\"type\": \"MostAllocated\"}}"));
        Snapshot cluster = snapshot(with(node("empty")), with(node("half"), requesting("busy", "1", "2Gi")));

        // Requested share after placing: 25% on the empty node, 50% on the half-used one.
        assertThat(rawScores(packing, requesting("web", "1", "2Gi"), cluster))
                .containsEntry("empty", 25L).containsEntry("half", 50L);
    }

    @Test
    void resourceWeightsFromArgsWeighTheAverage() throws Exception {
        NodeResourcesFit cpuHeavy = NodeResourcesFit.fromArgs(new ObjectMapper().readTree("""
                {"scoringStrategy": {"type": "LeastAllocated",
                  "resources": [{"name": "cpu", "weight": 3}, {"name": "memory", "weight": 1}]}}
                """));
        Snapshot cluster = snapshot(node("n1"));

        // cpu (4 - 2) / 4 = 50 weighs 3, memory (8 - 0.5) / 8 = 93 weighs 1: (150 + 93) / 4 = 60.
        assertThat(rawScores(cpuHeavy, requesting("web", "2", "512Mi"), cluster)).containsEntry("n1", 60L);
    }

    @Test
    void anUnknownScoringStrategyIsAClearError() {
        assertThatThrownBy(() -> NodeResourcesFit.fromArgs(new ObjectMapper().readTree(
                "{\"scoringStrategy\": {\"type\": \"RequestedToCapacityRatio\"}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RequestedToCapacityRatio");
    }
}
