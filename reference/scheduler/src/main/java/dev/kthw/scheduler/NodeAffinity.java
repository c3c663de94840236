package dev.kthw.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.scheduler.Affinity.NodeSelector;
import dev.kthw.scheduler.Affinity.NodeSelectorTerm;
import dev.kthw.scheduler.Affinity.PreferredSchedulingTerm;
import dev.kthw.scheduler.Affinity.Requirement;
import java.util.List;
import java.util.Map;

/**
 * Where a pod may go by the node's labels: {@code spec.nodeSelector} and
 * {@code spec.affinity.nodeAffinity}.
 *
 * <p>Filter (required): every nodeSelector label must be on the node with that value, AND,
 * if the pod has required node affinity, at least one of its terms must match (terms are
 * ORed, the requirements inside a term ANDed). A requirement is {@code key operator values}
 * on the node's labels ({@code matchExpressions}) or on its fields ({@code matchFields}: only
 * {@code metadata.name}). Failing nodes get "node(s) didn't match Pod's node
 * affinity/selector", unresolvable: evicting pods changes no label.
 *
 * <p>Score (preferred): the sum of the weights of the preferred terms the node matches,
 * scaled so that the best node gets 100.
 *
 * <p>Simpler than kube-scheduler: the plugin's {@code addedAffinity} arg (node affinity
 * added to every pod of a profile) is not supported, and PreFilter does not narrow the candidates to the nodes a {@code metadata.name} field
 * selects (kube-scheduler's PreFilterResult); those nodes are found by filtering all.
 */
public final class NodeAffinity implements Plugin.PreFilter, Plugin.Filter, Plugin.PreScore, Plugin.Score {

    public static final String NAME = "NodeAffinity";
    public static final String REASON = "node(s) didn't match Pod's node affinity/selector";

    /** From NodeAffinityArgs; {@code addedAffinity} is refused rather than silently ignored. */
    public static NodeAffinity fromArgs(JsonNode args) {
        if (args != null && args.hasNonNull("addedAffinity")) {
            throw new IllegalArgumentException(NAME + ": addedAffinity is not supported by kthw");
        }
        return new NodeAffinity();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Nothing to check for a pod without a nodeSelector or required node affinity. */
    @Override
    public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
        return hasRequired(pod) ? Status.SUCCESS : Status.SKIP;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        return requiredMatches(pod, node.node()) ? Status.SUCCESS : Status.unresolvable(REASON);
    }

    /** Whether the pod restricts its nodes at all (PodTopologySpread asks too). */
    public static boolean hasRequired(Pod pod) {
        return !pod.nodeSelector().isEmpty() || required(pod) != null;
    }

    /** The pod's nodeSelector and required node affinity both accept this node. */
    public static boolean requiredMatches(Pod pod, Node node) {
        // tag::lab-ch03-node-affinity-filter[]
        // lab: Every entry of pod.nodeSelector() must be a label of the node with that exact
        // lab: value. Then, if the pod has required node affinity (required(pod) is not null),
        // lab: at least one of its nodeSelectorTerms must match the node (matches(term, node));
        // lab: no terms at all match no node.
        for (Map.Entry<String, String> wanted : pod.nodeSelector().entrySet()) {
            if (!wanted.getValue().equals(node.labels().get(wanted.getKey()))) {
                return false;
            }
        }
        NodeSelector required = required(pod);
        if (required == null) {
            return true;
        }
        for (NodeSelectorTerm term : required.nodeSelectorTerms()) {
            if (matches(term, node)) {
                return true;
            }
        }
        return false;
        // end::lab-ch03-node-affinity-filter[]
    }

    /** {@code requiredDuringSchedulingIgnoredDuringExecution}, or null when there is none. */
    public static NodeSelector required(Pod pod) {
        Affinity.NodeAffinity affinity = pod.affinity().nodeAffinity();
        return affinity == null ? null : affinity.requiredDuringSchedulingIgnoredDuringExecution();
    }

    /**
     * One term against a node: all its requirements hold. A term with no requirement at all
     * matches nothing (as in Kubernetes, so an empty term cannot select every node by
     * mistake).
     */
    public static boolean matches(NodeSelectorTerm term, Node node) {
        if (term.matchExpressions().isEmpty() && term.matchFields().isEmpty()) {
            return false;
        }
        for (Requirement r : term.matchExpressions()) {
            if (!holds(r, node.labels().get(r.key()))) {
                return false;
            }
        }
        for (Requirement r : term.matchFields()) {
            // metadata.name is the only node field a selector may name.
            if (!holds(r, r.key().equals("metadata.name") ? node.name() : null)) {
                return false;
            }
        }
        return true;
    }

    /** One requirement against the node's value for its key ({@code null}: the node has none). */
    public static boolean holds(Requirement requirement, String value) {
        // tag::lab-ch03-node-affinity-match[]
        // lab: Switch on the operator. In: value present and among values. NotIn: value absent
        // lab: or not among values. Exists / DoesNotExist: present / absent. Gt and Lt compare
        // lab: integers: the value and values[0] must both parse (Long.parseLong), else false.
        // lab: An unknown operator matches nothing.
        List<String> values = requirement.values();
        switch (requirement.operator() == null ? "" : requirement.operator()) {
            case "In":
                return value != null && values.contains(value);
            case "NotIn":
                return value == null || !values.contains(value);
            case "Exists":
                return value != null;
            case "DoesNotExist":
                return value == null;
            case "Gt":
            case "Lt":
                if (value == null || values.size() != 1) {
                    return false;
                }
                try {
                    long have = Long.parseLong(value);
                    long bound = Long.parseLong(values.get(0));
                    return requirement.operator().equals("Gt") ? have > bound : have < bound;
                } catch (NumberFormatException e) {
                    return false;
                }
            default:
                return false;
        }
        // end::lab-ch03-node-affinity-match[]
    }

    /** Nothing to score for a pod without preferred node affinity terms. */
    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible, Snapshot snapshot) {
        return preferred(pod).isEmpty() ? Status.SKIP : Status.SUCCESS;
    }

    /** {@code preferredDuringSchedulingIgnoredDuringExecution}: empty when there is none. */
    public static List<PreferredSchedulingTerm> preferred(Pod pod) {
        Affinity.NodeAffinity affinity = pod.affinity().nodeAffinity();
        return affinity == null ? List.of() : affinity.preferredDuringSchedulingIgnoredDuringExecution();
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        // tag::lab-ch03-node-affinity-score[]
        // lab: Add up the weights of the pod's preferred terms (preferred(pod)) whose
        // lab: preference matches the node (matches(term.preference(), node)); a term without
        // lab: a preference matches nothing. Return the raw sum: normalize scales it so the
        // lab: best node gets 100.
        long sum = 0;
        for (PreferredSchedulingTerm term : preferred(pod)) {
            if (term.preference() != null && matches(term.preference(), node.node())) {
                sum += term.weight();
            }
        }
        return sum;
        // end::lab-ch03-node-affinity-score[]
    }

    @Override
    public void normalize(CycleState state, Pod pod, Map<String, Long> scores) {
        Scores.scaleToMax(scores, false);
    }
}
