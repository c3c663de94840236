package dev.kthw.scheduler;

import java.util.HashMap;
import java.util.Map;

/**
 * Scratch space for one scheduling cycle of one pod. A PreFilter plugin computes what its
 * Filter will ask for every node (for InterPodAffinity: the pods that match each term, by
 * topology domain) and leaves it here, so the per-node work stays cheap.
 *
 * <p>One cycle runs on one thread (kube-scheduler runs Filter and Score over nodes in
 * parallel; on two cores a pool cost more than it saved, see Framework). Preemption tries
 * "what if these pods were gone" in a fresh state of its own, re-running PreFilter on a
 * changed snapshot. Keep what you put here immutable all the same: {@link #copy()} shares it.
 */
public final class CycleState {

    private final Map<String, Object> data;

    public CycleState() {
        this(new HashMap<>());
    }

    private CycleState(Map<String, Object> data) {
        this.data = data;
    }

    public void put(String key, Object value) {
        data.put(key, value);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(String key) {
        return (T) data.get(key);
    }

    public CycleState copy() {
        return new CycleState(new HashMap<>(data));
    }
}
