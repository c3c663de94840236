package dev.kthw.scheduler;

import dev.kthw.scheduler.Affinity.Taint;

/**
 * A cordoned node ({@code kubectl cordon} sets {@code spec.unschedulable}) takes no new
 * pods, except those that tolerate the {@code node.kubernetes.io/unschedulable:NoSchedule}
 * taint (DaemonSet pods carry that toleration, so they still land on cordoned nodes).
 *
 * <p>The node controller also adds that taint to a cordoned node, so TaintToleration would
 * reject the pod too; this plugin gives the clearer reason and works without that
 * controller, as in kube-scheduler.
 */
public final class NodeUnschedulable implements Plugin.Filter {

    public static final String NAME = "NodeUnschedulable";
    public static final String REASON = "node(s) were unschedulable";
    /** The taint a pod must tolerate to be placed on a cordoned node. */
    public static final Taint UNSCHEDULABLE_TAINT = new Taint("node.kubernetes.io/unschedulable", null, "NoSchedule");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        if (!node.node().unschedulable()) {
            return Status.SUCCESS;
        }
        if (!pod.tolerations().isEmpty() && TaintToleration.toleratedByAny(pod.tolerations(), UNSCHEDULABLE_TAINT)) {
            return Status.SUCCESS;
        }
        return Status.unresolvable(REASON);
    }
}
