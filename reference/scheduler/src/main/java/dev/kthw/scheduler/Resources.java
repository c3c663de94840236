package dev.kthw.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.api.Quantity;
import java.util.ArrayList;
import java.util.List;

/**
 * An amount of the resources the scheduler counts: CPU in millicores, memory in bytes, and
 * pods. A node's allocatable is one; a pod's requests are another (a pod asks for one pod).
 *
 * <p>kube-scheduler also counts ephemeral storage and extended resources (GPUs and the like);
 * we leave them out because no lab needs them and they work exactly like memory.
 */
public record Resources(long milliCpu, long memory, long pods) {

    public static final Resources NONE = new Resources(0, 0, 0);

    public Resources plus(Resources other) {
        return new Resources(milliCpu + other.milliCpu, memory + other.memory, pods + other.pods);
    }

    public Resources minus(Resources other) {
        return new Resources(milliCpu - other.milliCpu, memory - other.memory, pods - other.pods);
    }

    /**
     * Why {@code request} does not fit on a node whose {@code allocatable} already has
     * {@code used} taken, in kube-scheduler's words ("Insufficient cpu"); empty if it fits.
     * A pod asking for no CPU or memory fits whatever is used, as in Kubernetes.
     */
    // tag::insufficient[]
    public static List<String> insufficient(Resources request, Resources used, Resources allocatable) {
        List<String> reasons = new ArrayList<>();
        if (used.pods + request.pods > allocatable.pods) {
            reasons.add("Too many pods");
        }
        if (request.milliCpu > 0 && used.milliCpu + request.milliCpu > allocatable.milliCpu) {
            reasons.add("Insufficient cpu");
        }
        if (request.memory > 0 && used.memory + request.memory > allocatable.memory) {
            reasons.add("Insufficient memory");
        }
        return reasons;
    }
    // end::insufficient[]

    /** Reads a resource list ({@code {"cpu": "500m", "memory": "1Gi", "pods": "110"}}). */
    static Resources of(JsonNode list) {
        return new Resources(
                list.has("cpu") ? Quantity.milli(list.get("cpu").asText()) : 0,
                list.has("memory") ? Quantity.value(list.get("memory").asText()) : 0,
                list.has("pods") ? Quantity.value(list.get("pods").asText()) : 0);
    }
}
