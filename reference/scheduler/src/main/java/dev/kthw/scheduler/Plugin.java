package dev.kthw.scheduler;

import java.util.Map;

/**
 * The scheduling framework's extension points, one small interface each, as in
 * kube-scheduler. A plugin implements those it needs; the framework calls them in this
 * order for every pod:
 *
 * <pre>
 *   PreFilter (once)  → Filter (per node) → [no node fits: PostFilter, e.g. preemption]
 *   → PreScore (once) → Score (per feasible node) → NormalizeScore → pick the best
 *   → Reserve (assume the pod on the node) → Bind (asynchronously, through the API)
 * </pre>
 *
 * <p>Filter and Score must not change anything: they may run for many nodes at once and
 * their answers must depend only on the pod, the node and the cycle state.
 */
public interface Plugin {

    /** The plugin's name as in KubeSchedulerConfiguration ("NodeResourcesFit"). */
    String name();

    // tag::plugin-filter[]
    /** Once per pod, before any Filter: reject early, or compute what Filter will need. */
    interface PreFilter extends Plugin {
        Status preFilter(CycleState state, Pod pod, Snapshot snapshot);
    }

    /** Can the pod run on this node? */
    interface Filter extends Plugin {
        Status filter(CycleState state, Pod pod, NodeInfo node);
    }

    /**
     * Called when no node passed every Filter. {@code rejections} holds, per node name, the
     * status that rejected it. May return a nominated node (preemption made room there).
     */
    interface PostFilter extends Plugin {
        PostFilterResult postFilter(CycleState state, Pod pod, Snapshot snapshot, Map<String, Status> rejections);
    }

    /** What a PostFilter achieved: a node where the pod will fit once victims are gone. */
    record PostFilterResult(String nominatedNode, Status status) {
    }
    // end::plugin-filter[]

    // tag::plugin-score[]
    /** Once per pod, before any Score, over the nodes that passed filtering. */
    interface PreScore extends Plugin {
        Status preScore(CycleState state, Pod pod, java.util.List<NodeInfo> feasible, Snapshot snapshot);
    }

    /**
     * How good a node is for the pod. Scores of a plugin are normalized to 0..{@link #MAX_SCORE}
     * (by {@link #normalize} if the raw scores are on another scale), then multiplied by the
     * plugin's weight and summed over plugins.
     */
    interface Score extends Plugin {
        long MAX_SCORE = 100;

        long score(CycleState state, Pod pod, NodeInfo node);

        /** Rescales raw scores (node name → score) in place to 0..MAX_SCORE. Default: as they are. */
        default void normalize(CycleState state, Pod pod, Map<String, Long> scores) {
        }
    }
    // end::plugin-score[]

    // tag::plugin-bind[]
    /** Claims the node's resources for the pod in the cache before binding (the "assume"). */
    interface Reserve extends Plugin {
        Status reserve(CycleState state, Pod pod, String nodeName);

        /** Undo {@link #reserve} when a later step (or the binding) fails. */
        void unreserve(CycleState state, Pod pod, String nodeName);
    }

    /** Tells the API server where the pod goes (POST pods/NAME/binding). */
    interface Bind extends Plugin {
        Status bind(CycleState state, Pod pod, String nodeName);
    }
    // end::plugin-bind[]
}
