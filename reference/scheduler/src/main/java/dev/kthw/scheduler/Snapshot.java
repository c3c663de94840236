package dev.kthw.scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster as one scheduling cycle sees it: every node with its pods, frozen. Plugins
 * read only this, never the live cache, so all of them judge a pod against the same state
 * (kube-scheduler takes the same kind of snapshot at the start of each cycle).
 *
 * <p>A new snapshot is taken for nearly every pod (each placed pod changes a node), so it
 * costs one copy of the node list; the index by name and the list of nodes with affinity
 * pods are built only if a plugin asks. A snapshot is used by one cycle, on one thread.
 */
public final class Snapshot {

    private final List<NodeInfo> nodes;
    private Map<String, NodeInfo> byName;              // built on first get()
    private List<NodeInfo> withAffinityPods;           // built on first nodesWithAffinityPods()

    public Snapshot(List<NodeInfo> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** Every node, in a stable order. */
    public List<NodeInfo> nodes() {
        return nodes;
    }

    /** The node of this name, or null. */
    public NodeInfo get(String name) {
        if (byName == null) {
            Map<String, NodeInfo> index = new HashMap<>(nodes.size() * 2);
            for (NodeInfo n : nodes) {
                index.put(n.name(), n);
            }
            byName = index;
        }
        return byName.get(name);
    }

    /** Nodes with at least one pod that has pod affinity or anti-affinity terms. */
    public List<NodeInfo> nodesWithAffinityPods() {
        if (withAffinityPods == null) {
            withAffinityPods = nodes.stream().filter(n -> !n.podsWithAffinity().isEmpty()).toList();
        }
        return withAffinityPods;
    }
}
