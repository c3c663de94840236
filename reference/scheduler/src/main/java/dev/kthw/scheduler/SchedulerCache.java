package dev.kthw.scheduler;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's picture of the cluster: every node and every pod placed on one, kept
 * from the informers' events, plus the pods the scheduler has <em>assumed</em>.
 *
 * <p>The assume/bind race: binding a pod is an API call that takes a while, and the
 * informer reports the bound pod later still. If the next cycle ran on the informer's
 * picture alone, it would see the node as empty and put a second pod in the same space.
 * So as soon as a node is chosen, {@link #assume} places the pod there in the cache. Then:
 *
 * <pre>
 *   assume ──finishBinding──▶ (waiting) ──informer reports it bound──▶ confirmed, an ordinary pod
 *     │                          └── no report within the TTL ──▶ expired, removed (cleanupExpired)
 *     └── the binding failed ──▶ forget: removed at once
 * </pre>
 *
 * <p>Invariants: a pod (namespace/name) is counted on at most one node; NodeInfos are
 * immutable, so {@link #snapshot} hands out the current ones without copying them, and
 * builds a new Snapshot only when something changed since the last one (a generation
 * counter), so taking one every cycle is cheap. Pods whose node is not known (yet, or
 * any more) are kept and counted as soon as the node appears. All methods are
 * synchronized: informer threads write, the scheduling thread reads.
 *
 * <p>Simpler than kube-scheduler's cache: the snapshot's node list is rebuilt whole
 * (O(nodes)) after a change instead of patching only the changed nodes, and nodes are
 * listed in the order they arrived, not spread across zones.
 */
public final class SchedulerCache {

    /** How long an assumed pod whose binding finished waits for the informer to confirm it. */
    public static final Duration DEFAULT_ASSUMED_TTL = Duration.ofMinutes(15);

    /** A placed pod; assumed until the informer reports it bound. */
    private record PodState(Pod pod, boolean assumed, Instant deadline) {
    }

    private final Clock clock;
    private final Duration assumedTtl;
    private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();         // known nodes, in arrival order
    private final Map<String, Map<String, Pod>> podsByNode = new HashMap<>();  // node name → pod key → pod
    private final Map<String, PodState> pods = new HashMap<>();                // pod key → its state
    private long generation;
    private Snapshot snapshot = new Snapshot(List.of());
    private long snapshotGeneration;

    public SchedulerCache(Clock clock, Duration assumedTtl) {
        this.clock = requireNonNull(clock, "clock");
        this.assumedTtl = requireNonNull(assumedTtl, "assumedTtl");
    }

    public SchedulerCache(Clock clock) {
        this(clock, DEFAULT_ASSUMED_TTL);
    }

    /** A node appeared or changed: its NodeInfo is rebuilt with the pods already placed there. */
    public synchronized void addNode(Node node) {
        NodeInfo current = nodes.get(node.name());
        if (current != null) {
            nodes.put(node.name(), current.withNode(node));
        } else {
            NodeInfo info = NodeInfo.of(node);
            for (Pod p : podsByNode.getOrDefault(node.name(), Map.of()).values()) {
                info = info.withPod(p);
            }
            nodes.put(node.name(), info);
        }
        generation++;
    }

    public void updateNode(Node node) {
        addNode(node);
    }

    /** The node is gone. Its pods stay known (their deletions will follow) but count nowhere. */
    public synchronized void removeNode(String name) {
        if (nodes.remove(name) != null) {
            generation++;
        }
    }

    /**
     * The informer reports a pod bound to a node. If we had assumed it, the assumption is
     * confirmed (moved, should it have been bound elsewhere); otherwise it is added.
     */
    public synchronized void addPod(Pod pod) {
        if (!pod.isBound()) {
            throw new IllegalArgumentException("pod " + pod.key() + " is not bound to a node");
        }
        PodState old = pods.get(pod.key());
        if (old != null) {
            unplace(old.pod());
        }
        place(pod);
        pods.put(pod.key(), new PodState(pod, false, null));
    }

    /** A bound pod changed (labels, say): the new version replaces the old one on its node. */
    public void updatePod(Pod pod) {
        addPod(pod);
    }

    /** The pod was deleted (or evicted): its resources are free again. */
    public synchronized void removePod(String key) {
        PodState old = pods.remove(key);
        if (old != null) {
            unplace(old.pod());
        }
    }

    // tag::assume[]
    /**
     * Places the pod on the node now, before the binding is sent, so the next cycle sees
     * the node's resources as taken. The pod must not be in the cache already.
     */
    public synchronized void assume(Pod pod, String nodeName) {
        if (pods.containsKey(pod.key())) {
            throw new IllegalStateException("pod " + pod.key() + " is already in the scheduler's cache");
        }
        Pod placed = pod.onNode(nodeName);
        place(placed);
        pods.put(pod.key(), new PodState(placed, true, null));
    }

    /** The binding call returned: from now on, the assumption expires if the informer never confirms it. */
    public synchronized void finishBinding(String key) {
        PodState state = pods.get(key);
        if (state != null && state.assumed()) {
            pods.put(key, new PodState(state.pod(), true, clock.instant().plus(assumedTtl)));
        }
    }
    // end::assume[]

    // tag::forget[]
    /** The binding failed: the assumed pod is taken off its node. A confirmed pod is left alone. */
    public synchronized void forget(String key) {
        PodState state = pods.get(key);
        if (state != null && state.assumed()) {
            pods.remove(key);
            unplace(state.pod());
        }
    }
    // end::forget[]

    public synchronized boolean isAssumed(String key) {
        PodState state = pods.get(key);
        return state != null && state.assumed();
    }

    /** Removes the assumed pods whose binding finished more than the TTL ago; returns their keys. */
    public synchronized List<String> cleanupExpired() {
        Instant now = clock.instant();
        List<String> expired = new ArrayList<>();
        for (PodState state : pods.values()) {
            if (state.assumed() && state.deadline() != null && now.isAfter(state.deadline())) {
                expired.add(state.pod().key());
            }
        }
        for (String key : expired) {
            unplace(pods.remove(key).pod());
        }
        return expired;
    }

    /** The cluster as it is now, frozen for one scheduling cycle; the same object while nothing changes. */
    public synchronized Snapshot snapshot() {
        if (snapshotGeneration != generation) {
            snapshot = new Snapshot(new ArrayList<>(nodes.values()));
            snapshotGeneration = generation;
        }
        return snapshot;
    }

    /** The pod as the cache holds it (assumed or bound), or null. */
    public synchronized Pod pod(String key) {
        PodState state = pods.get(key);
        return state == null ? null : state.pod();
    }

    public synchronized int podCount() {
        return pods.size();
    }

    private void place(Pod pod) {
        podsByNode.computeIfAbsent(pod.nodeName(), n -> new LinkedHashMap<>()).put(pod.key(), pod);
        NodeInfo info = nodes.get(pod.nodeName());
        if (info != null) {
            nodes.put(pod.nodeName(), info.withPod(pod));
            generation++;
        }
    }

    private void unplace(Pod pod) {
        Map<String, Pod> onNode = podsByNode.get(pod.nodeName());
        if (onNode != null) {
            onNode.remove(pod.key());
            if (onNode.isEmpty()) {
                podsByNode.remove(pod.nodeName());
            }
        }
        NodeInfo info = nodes.get(pod.nodeName());
        if (info != null) {
            nodes.put(pod.nodeName(), info.withoutPod(pod.key()));
            generation++;
        }
    }
}
