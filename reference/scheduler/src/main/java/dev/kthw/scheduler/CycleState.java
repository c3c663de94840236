package dev.kthw.scheduler;

import java.util.HashMap;
import java.util.Map;

/**
 * Scratch space for one scheduling cycle of one pod. A PreFilter plugin computes what its
 * Filter will ask for every node (for InterPodAffinity: the pods that match each term, by
 * topology domain) and leaves it here, so the per-node work stays cheap.
 *
 * <p>One cycle runs on one thread, except Filter and Score, which may run over nodes in
 * parallel: they must only read. Preemption clones the state to try "what if these pods
 * were gone"; values put here must therefore be immutable or copied by {@link #copy()}.
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
