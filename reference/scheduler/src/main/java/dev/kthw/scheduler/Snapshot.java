package dev.kthw.scheduler;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster as one scheduling cycle sees it: every node with its pods, frozen. Plugins
 * read only this, never the live cache, so all of them judge a pod against the same state
 * (kube-scheduler takes the same kind of snapshot at the start of each cycle).
 */
public final class Snapshot {

    private final List<NodeInfo> nodes;
    private final Map<String, NodeInfo> byName;

    public Snapshot(List<NodeInfo> nodes) {
        this.nodes = List.copyOf(nodes);
        Map<String, NodeInfo> index = new LinkedHashMap<>();
        for (NodeInfo n : this.nodes) {
            index.put(n.name(), n);
        }
        this.byName = Collections.unmodifiableMap(index);
    }

    /** Every node, in a stable order. */
    public List<NodeInfo> nodes() {
        return nodes;
    }

    /** The node of this name, or null. */
    public NodeInfo get(String name) {
        return byName.get(name);
    }

    /** Nodes with at least one pod that has pod affinity or anti-affinity terms. */
    public List<NodeInfo> nodesWithAffinityPods() {
        return nodes.stream().filter(n -> !n.podsWithAffinity().isEmpty()).toList();
    }
}
