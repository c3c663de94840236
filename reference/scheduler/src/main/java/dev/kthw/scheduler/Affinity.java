package dev.kthw.scheduler;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.kthw.api.LabelSelector;
import java.util.List;
import java.util.Map;

/**
 * A pod's scheduling constraints in their JSON shape ({@code spec.affinity},
 * {@code spec.tolerations}, {@code spec.topologySpreadConstraints}) and a node's taints.
 * Records read straight from the object by Jackson, so field names are Kubernetes' own;
 * the plugins that use them hold the logic.
 *
 * <p>The long Kubernetes names ({@code requiredDuringSchedulingIgnoredDuringExecution})
 * are kept, so a student can put a manifest next to this file.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Affinity(NodeAffinity nodeAffinity, PodAffinity podAffinity, PodAffinity podAntiAffinity) {

    public static final Affinity NONE = new Affinity(null, null, null);

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NodeAffinity(NodeSelector requiredDuringSchedulingIgnoredDuringExecution,
            List<PreferredSchedulingTerm> preferredDuringSchedulingIgnoredDuringExecution) {
        public NodeAffinity {
            preferredDuringSchedulingIgnoredDuringExecution = orEmpty(preferredDuringSchedulingIgnoredDuringExecution);
        }
    }

    /** Terms ORed: a node matching any one is selected. No terms select no node. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NodeSelector(List<NodeSelectorTerm> nodeSelectorTerms) {
        public NodeSelector {
            nodeSelectorTerms = orEmpty(nodeSelectorTerms);
        }
    }

    /** Requirements ANDed, on the node's labels and on its fields (only metadata.name). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NodeSelectorTerm(List<Requirement> matchExpressions, List<Requirement> matchFields) {
        public NodeSelectorTerm {
            matchExpressions = orEmpty(matchExpressions);
            matchFields = orEmpty(matchFields);
        }
    }

    /** {@code In, NotIn, Exists, DoesNotExist}, and for nodes also {@code Gt, Lt} (integers). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Requirement(String key, String operator, List<String> values) {
        public Requirement {
            values = orEmpty(values);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PreferredSchedulingTerm(int weight, NodeSelectorTerm preference) {
    }

    /** Used for both podAffinity and podAntiAffinity: they have the same shape. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PodAffinity(List<PodAffinityTerm> requiredDuringSchedulingIgnoredDuringExecution,
            List<WeightedPodAffinityTerm> preferredDuringSchedulingIgnoredDuringExecution) {
        public PodAffinity {
            requiredDuringSchedulingIgnoredDuringExecution = orEmpty(requiredDuringSchedulingIgnoredDuringExecution);
            preferredDuringSchedulingIgnoredDuringExecution = orEmpty(preferredDuringSchedulingIgnoredDuringExecution);
        }
    }

    /**
     * Pods chosen by {@code labelSelector} in {@code namespaces} (empty: the pod's own
     * namespace), and the node label ({@code topologyKey}) that says which nodes count as
     * "the same place". A null labelSelector selects no pods.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PodAffinityTerm(LabelSelector labelSelector, List<String> namespaces, String topologyKey,
            LabelSelector namespaceSelector) {
        public PodAffinityTerm {
            namespaces = orEmpty(namespaces);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record WeightedPodAffinityTerm(int weight, PodAffinityTerm podAffinityTerm) {
    }

    // tag::taint[]
    /** {@code key=value:effect}; effects NoSchedule, PreferNoSchedule and NoExecute. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Taint(String key, String value, String effect) {
        @Override
        public String toString() {
            return "{" + key + ": " + (value == null ? "" : value) + "}";
        }
    }

    /** Operator Equal (the default) or Exists; an empty key with Exists tolerates every taint. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Toleration(String key, String operator, String value, String effect) {
    }
    // end::taint[]

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TopologySpreadConstraint(int maxSkew, String topologyKey, String whenUnsatisfiable,
            LabelSelector labelSelector, Integer minDomains) {
    }

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : Map.copyOf(map);
    }
}
