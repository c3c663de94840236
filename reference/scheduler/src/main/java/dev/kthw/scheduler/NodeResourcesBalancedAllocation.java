package dev.kthw.scheduler;

import java.util.List;

/**
 * Prefers nodes where cpu and memory would be used in the same proportion once the pod is
 * placed. A node with 90% of its cpu requested but 10% of its memory can hardly take a
 * cpu-hungry pod, and the memory left there is stranded; keeping the two fractions close
 * leaves room for pods of every shape.
 *
 * <p>Score: for cpu and memory, fraction = (requested on the node + the pod's request) /
 * allocatable, capped at 1; with two resources the standard deviation is
 * |cpuFraction - memoryFraction| / 2, and the score is (1 - deviation) * 100.
 *
 * <p>As in kube-scheduler since 1.24, real requests are used here, not the non-zero
 * defaults of {@link NodeResourcesFit}; and as since 1.33, a pod that requests neither cpu
 * nor memory (best-effort) is not scored at all (PreScore says SKIP): its fractions would
 * say nothing about the pod, and scoring them piled best-effort pods onto one node.
 */
public final class NodeResourcesBalancedAllocation implements Plugin.PreScore, Plugin.Score {

    public static final String NAME = "NodeResourcesBalancedAllocation";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible, Snapshot snapshot) {
        return isBestEffort(pod) ? Status.SKIP : Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        // tag::balanced-score[]
        if (isBestEffort(pod)) {
            return 0;
        }
        Resources requested = node.requested().plus(pod.requests());
        Resources allocatable = node.node().allocatable();
        double[] fractions = new double[2];
        int n = 0;
        if (allocatable.milliCpu() > 0) {
            fractions[n++] = Math.min(1.0, (double) requested.milliCpu() / allocatable.milliCpu());
        }
        if (allocatable.memory() > 0) {
            fractions[n++] = Math.min(1.0, (double) requested.memory() / allocatable.memory());
        }
        // The standard deviation of two values is half their distance; of one value, 0.
        double deviation = n == 2 ? Math.abs(fractions[0] - fractions[1]) / 2 : 0;
        return (long) ((1 - deviation) * MAX_SCORE);
        // end::balanced-score[]
    }

    private static boolean isBestEffort(Pod pod) {
        return pod.requests().milliCpu() == 0 && pod.requests().memory() == 0;
    }
}
