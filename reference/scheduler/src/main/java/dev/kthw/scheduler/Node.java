package dev.kthw.scheduler;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.scheduler.Affinity.Taint;
import java.util.List;
import java.util.Map;

/**
 * What the scheduler needs to know of a node: its labels (for selectors, affinity and
 * topology), its taints, what it can give to pods ({@code status.allocatable}, falling back
 * to {@code status.capacity}) and whether it was cordoned ({@code spec.unschedulable}).
 */
public record Node(String name, Map<String, String> labels, List<Taint> taints, Resources allocatable,
        boolean unschedulable) {

    public Node {
        labels = Affinity.orEmpty(labels);
        taints = Affinity.orEmpty(taints);
    }

    /** Reads a v1 Node object. */
    public static Node from(JsonNode node) {
        JsonNode status = node.path("status");
        JsonNode allocatable = status.has("allocatable") ? status.path("allocatable") : status.path("capacity");
        JsonNode labels = node.path("metadata").path("labels");
        JsonNode taints = node.path("spec").path("taints");
        return new Node(
                node.path("metadata").path("name").asText(),
                labels.isObject() ? Pod.JSON.convertValue(labels, new TypeReference<Map<String, String>>() { }) : null,
                taints.isArray() ? Pod.JSON.convertValue(taints, new TypeReference<List<Taint>>() { }) : null,
                Resources.of(allocatable),
                node.path("spec").path("unschedulable").asBoolean(false));
    }
}
