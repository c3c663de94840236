package dev.kthw.scheduler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * No node fits the pod. Its message is the one {@code kubectl describe pod} shows, in
 * kube-scheduler's exact words, because users and scripts read it:
 *
 * <pre>
 *   0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.
 * </pre>
 *
 * Each reason is counted over the nodes that gave it, and the "COUNT reason" strings are
 * sorted as strings (as Go's sort.Strings does, so "10 x" comes before "2 y"). When a
 * PreFilter rejected the pod, its reason is given once instead of per node; when a
 * PostFilter (preemption) has something to say, it follows: "... preemption: 0/3 nodes are
 * available: 3 Preemption is not helpful for scheduling."
 *
 * <p>{@link #nominatedNode} is set when preemption made room: the pod will fit there once
 * the victims are gone, so it goes back to the queue rather than being bound now.
 */
public final class FitError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Pod pod;
    private final int numAllNodes;
    private final transient Map<String, Status> rejections;
    private final String nominatedNode;

    public FitError(Pod pod, int numAllNodes, Map<String, Status> rejections, String preFilterMessage,
            String postFilterMessage, String nominatedNode) {
        super(message(numAllNodes, rejections.values(), preFilterMessage, postFilterMessage));
        this.pod = pod;
        this.numAllNodes = numAllNodes;
        this.rejections = Map.copyOf(rejections);
        this.nominatedNode = nominatedNode == null ? "" : nominatedNode;
    }

    private FitError(Pod pod, String message) {
        super(message);
        this.pod = pod;
        this.numAllNodes = 0;
        this.rejections = Map.of();
        this.nominatedNode = "";
    }

    /** The cluster has no nodes at all; kube-scheduler's own words for it. */
    static FitError noNodes(Pod pod) {
        return new FitError(pod, "no nodes available to schedule pods");
    }

    public Pod pod() {
        return pod;
    }

    public int numAllNodes() {
        return numAllNodes;
    }

    /** Node name → the status that rejected it. */
    public Map<String, Status> rejections() {
        return rejections;
    }

    /** The node preemption made room on, or "" when there is none. */
    public String nominatedNode() {
        return nominatedNode;
    }

    /** The plugins that rejected the pod somewhere: the queue retries it on events that may change their minds. */
    public Set<String> unschedulablePlugins() {
        Set<String> names = new TreeSet<>();
        rejections.values().forEach(s -> names.add(s.plugin()));
        return names;
    }

    /**
     * "0/N nodes are available: " then the PreFilter's message, or else the per-node
     * reasons counted and sorted, then the PostFilter's message if any.
     */
    static String message(int numAllNodes, Collection<Status> rejections, String preFilterMessage,
            String postFilterMessage) {
        // TODO lab 03, task fit-error:
        // Start with "0/N nodes are available:". If the PreFilter message is not empty,
        // add " " + it + "."; otherwise count every reason of every status (a status may
        // give several), make "COUNT reason" strings, sort them as plain strings, and add
        // " " + them joined by ", " + "." (if there are any). Then add " " + the PostFilter
        // message when it is not empty (it brings its own full stop).
        throw new UnsupportedOperationException("lab 03, task fit-error: not written yet (see labs/03-scheduler/README.adoc)");
    }
}
