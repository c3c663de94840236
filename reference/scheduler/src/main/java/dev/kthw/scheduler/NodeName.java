package dev.kthw.scheduler;

/**
 * A pod that names its node ({@code spec.nodeName} set by its author, not by a scheduler)
 * may only go there. Such a pod usually never reaches a scheduler, since it is already
 * bound; the filter matters for the preemption and retry paths, and keeps the rule in one
 * place, as kube-scheduler's NodeName plugin does.
 */
public final class NodeName implements Plugin.Filter {

    public static final String NAME = "NodeName";
    public static final String REASON = "node(s) didn't match the requested node name";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        if (pod.nodeName().isEmpty() || pod.nodeName().equals(node.name())) {
            return Status.SUCCESS;
        }
        // Evicting pods will never change a node's name: unresolvable, preemption skips it.
        return Status.unresolvable(REASON);
    }
}
