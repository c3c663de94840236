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
        // TODO lab 03, task node-affinity-filter:
        // Every entry of pod.nodeSelector() must be a label of the node with that exact
        // value. Then, if the pod has required node affinity (required(pod) is not null),
        // at least one of its nodeSelectorTerms must match the node (matches(term, node));
        // no terms at all match no node.
        throw new UnsupportedOperationException("lab 03, task node-affinity-filter: not written yet (see labs/03-scheduler/README.adoc)");
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
        // TODO lab 03, task node-affinity-match:
        // Switch on the operator. In: value present and among values. NotIn: value absent
        // or not among values. Exists / DoesNotExist: present / absent. Gt and Lt compare
        // integers: the value and values[0] must both parse (Long.parseLong), else false.
        // An unknown operator matches nothing.
        throw new UnsupportedOperationException("lab 03, task node-affinity-match: not written yet (see labs/03-scheduler/README.adoc)");
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
        // TODO lab 03, task node-affinity-score:
        // Add up the weights of the pod's preferred terms (preferred(pod)) whose
        // preference matches the node (matches(term.preference(), node)); a term without
        // a preference matches nothing. Return the raw sum: normalize scales it so the
        // best node gets 100.
        throw new UnsupportedOperationException("lab 03, task node-affinity-score: not written yet (see labs/03-scheduler/README.adoc)");
    }

    @Override
    public void normalize(CycleState state, Pod pod, Map<String, Long> scores) {
        Scores.scaleToMax(scores, false);
    }
}
