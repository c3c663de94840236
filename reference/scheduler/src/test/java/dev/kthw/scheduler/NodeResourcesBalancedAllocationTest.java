package dev.kthw.scheduler;

import static dev.kthw.scheduler.Fixtures.node;
import static dev.kthw.scheduler.Fixtures.pod;
import static dev.kthw.scheduler.Fixtures.rawScores;
import static dev.kthw.scheduler.Fixtures.snapshot;
import static dev.kthw.scheduler.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Chapter 03, Scoring: balanced allocation keeps a node's cpu and memory shares close. */
class NodeResourcesBalancedAllocationTest {

    private final NodeResourcesBalancedAllocation plugin = new NodeResourcesBalancedAllocation();

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
    void equalSharesOfCpuAndMemoryScore100() {
        // After placing: 2 of 4 cpus and 4 of 8Gi, both one half.
        Snapshot cluster = snapshot(with(node("n1"), requesting("busy", "1", "2Gi")));

        assertThat(rawScores(plugin, requesting("web", "1", "2Gi"), cluster)).containsEntry("n1", 100L);
    }

    @Test
    void theScoreFallsWithTheDistanceBetweenTheShares() {
        // cpu 3/4 = 0.75, memory 2/8 = 0.25: deviation (0.75 - 0.25) / 2 = 0.25, score 75.
        Snapshot cluster = snapshot(with(node("n1"), requesting("busy", "2", "1Gi")));

        assertThat(rawScores(plugin, requesting("web", "1", "1Gi"), cluster)).containsEntry("n1", 75L);
    }

    @Test
    void theNodeWhereThePodEvensThingsOutWins() {
        // A memory-hungry pod: better on the node whose cpu is already taken than on the one whose memory is.
        Snapshot cluster = snapshot(
                with(node("cpu-busy"), requesting("a", "3", "1Gi")),
                with(node("memory-busy"), requesting("b", "500m", "6Gi")));

        var scores = rawScores(plugin, requesting("web", "100m", "4Gi"), cluster);

        assertThat(scores.get("cpu-busy")).isGreaterThan(scores.get("memory-busy"));
    }

    @Test
    void aBestEffortPodIsNotScored() {
        // kube-scheduler 1.33+: scoring pods that request nothing piled them onto one node.
        Snapshot cluster = snapshot(node("n1"));

        Status status = plugin.preScore(new CycleState(), pod("metadata: {name: besteffort}"), cluster.nodes(), cluster);

        assertThat(status.code()).isEqualTo(Status.Code.SKIP);
        assertThat(plugin.preScore(new CycleState(), requesting("web", "1", "1Gi"), List.of(), cluster).isSuccess())
                .isTrue();
    }
}
