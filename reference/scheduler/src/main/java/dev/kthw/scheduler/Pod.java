package dev.kthw.scheduler;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kthw.scheduler.Affinity.Toleration;
import dev.kthw.scheduler.Affinity.TopologySpreadConstraint;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the scheduler needs to know of a pod, read once from the API object. Immutable, so
 * a pod in the cache can be shared by the queue, the snapshot and every plugin.
 *
 * <p>{@code requests} is the pod's effective request as kube-scheduler computes it: the
 * sum over its containers, or the largest init container if that is bigger (init
 * containers run one at a time, before the others), plus one pod.
 */
public record Pod(
        String namespace,
        String name,
        String uid,
        String resourceVersion,
        String schedulerName,
        String nodeName,
        int priority,
        String preemptionPolicy,
        Map<String, String> labels,
        Map<String, String> nodeSelector,
        Resources requests,
        List<Toleration> tolerations,
        Affinity affinity,
        List<TopologySpreadConstraint> topologySpreadConstraints,
        Instant created,
        boolean terminating) {

    static final ObjectMapper JSON = new ObjectMapper();
    public static final String DEFAULT_SCHEDULER = "default-scheduler";

    public Pod {
        labels = Affinity.orEmpty(labels);
        nodeSelector = Affinity.orEmpty(nodeSelector);
        tolerations = Affinity.orEmpty(tolerations);
        topologySpreadConstraints = Affinity.orEmpty(topologySpreadConstraints);
        affinity = affinity == null ? Affinity.NONE : affinity;
    }

    /** Reads a v1 Pod object; fields the scheduler does not use are ignored. */
    public static Pod from(JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        JsonNode spec = pod.path("spec");
        String created = meta.path("creationTimestamp").asText("");
        return new Pod(
                meta.path("namespace").asText("default"),
                meta.path("name").asText(),
                meta.path("uid").asText(""),
                meta.path("resourceVersion").asText(""),
                spec.path("schedulerName").asText(DEFAULT_SCHEDULER),
                spec.path("nodeName").asText(""),
                spec.path("priority").asInt(0),
                spec.path("preemptionPolicy").asText("PreemptLowerPriority"),
                read(meta.path("labels"), new TypeReference<Map<String, String>>() { }),
                read(spec.path("nodeSelector"), new TypeReference<Map<String, String>>() { }),
                requests(spec),
                read(spec.path("tolerations"), new TypeReference<List<Toleration>>() { }),
                read(spec.path("affinity"), new TypeReference<Affinity>() { }),
                read(spec.path("topologySpreadConstraints"), new TypeReference<List<TopologySpreadConstraint>>() { }),
                created.isEmpty() ? Instant.EPOCH : Instant.parse(created),
                meta.hasNonNull("deletionTimestamp"));
    }

    /** {@code namespace/name}, the key of the pod in caches and queues. */
    public String key() {
        return namespace + "/" + name;
    }

    public boolean isBound() {
        return !nodeName.isEmpty();
    }

    /** A copy of this pod placed on a node: what the cache "assumes" before the binding lands. */
    public Pod onNode(String node) {
        return new Pod(namespace, name, uid, resourceVersion, schedulerName, node, priority, preemptionPolicy,
                labels, nodeSelector, requests, tolerations, affinity, topologySpreadConstraints, created, terminating);
    }

    // tag::pod-requests[]
    private static Resources requests(JsonNode spec) {
        Resources sum = Resources.NONE;
        for (JsonNode c : spec.path("containers")) {
            sum = sum.plus(Resources.of(c.path("resources").path("requests")));
        }
        long cpu = sum.milliCpu();
        long memory = sum.memory();
        for (JsonNode c : spec.path("initContainers")) {
            Resources init = Resources.of(c.path("resources").path("requests"));
            cpu = Math.max(cpu, init.milliCpu());
            memory = Math.max(memory, init.memory());
        }
        Resources overhead = Resources.of(spec.path("overhead"));
        return new Resources(cpu + overhead.milliCpu(), memory + overhead.memory(), 1);
    }
    // end::pod-requests[]

    private static <T> T read(JsonNode node, TypeReference<T> type) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        return JSON.convertValue(node, type);
    }
}
