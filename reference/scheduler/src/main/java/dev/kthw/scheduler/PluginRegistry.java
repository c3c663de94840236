package dev.kthw.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The plugins by the names KubeSchedulerConfiguration uses, and kube-scheduler's default
 * profile: which plugins run, in which order, and how much each one's score weighs.
 *
 * <p>A profile's {@code pluginConfig} gives a plugin its args ({@code NodeResourcesFitArgs}
 * and the like) as JSON; {@link #create} hands them to the plugin, which reads what it
 * knows. Missing args mean the defaults.
 *
 * <p>Simpler than kube-scheduler: only the plugins kthw has. Missing from the default
 * profile here: SchedulingGates, NodePorts, the volume plugins and ImageLocality (no lab
 * needs them); PrioritySort, DefaultPreemption and DefaultBinder belong to the framework.
 */
public final class PluginRegistry {

    private PluginRegistry() {
    }

    /** The plugins above as a catalog, for {@link Scheduler.Options}: what {@code kthw scheduler} runs. */
    public static PluginCatalog catalog() {
        return PluginCatalog.of(PluginRegistry::create, defaultPlugins(), defaultScoreWeights());
    }

    /** A new plugin of this name configured with these args (null or missing: defaults). */
    public static Plugin create(String name, JsonNode args) {
        Objects.requireNonNull(name, "plugin name");
        JsonNode a = args == null || args.isNull() || args.isMissingNode() ? null : args;
        switch (name) {
            case NodeUnschedulable.NAME:
                return new NodeUnschedulable();
            case NodeName.NAME:
                return new NodeName();
            case TaintToleration.NAME:
                return new TaintToleration();
            case NodeAffinity.NAME:
                return NodeAffinity.fromArgs(a);
            case NodeResourcesFit.NAME:
                return NodeResourcesFit.fromArgs(a);
            case PodTopologySpread.NAME:
                return PodTopologySpread.fromArgs(a);
            case InterPodAffinity.NAME:
                return InterPodAffinity.fromArgs(a);
            case NodeResourcesBalancedAllocation.NAME:
                return new NodeResourcesBalancedAllocation();
            default:
                throw new IllegalArgumentException("unknown scheduler plugin \"" + name + "\" (known: "
                        + String.join(", ", defaultPlugins()) + ")");
        }
    }

    /** Every plugin of the default profile that kthw has, in kube-scheduler's order. */
    public static List<String> defaultPlugins() {
        return List.of(NodeUnschedulable.NAME, NodeName.NAME, TaintToleration.NAME, NodeAffinity.NAME,
                NodeResourcesFit.NAME, PodTopologySpread.NAME, InterPodAffinity.NAME,
                NodeResourcesBalancedAllocation.NAME);
    }

    /**
     * The Filter plugins of the default profile, in the order they run: cheap checks that
     * reject most nodes first (a cordoned node, a taint), the pod-counting ones last.
     */
    public static List<String> defaultFilters() {
        return List.of(NodeUnschedulable.NAME, NodeName.NAME, TaintToleration.NAME, NodeAffinity.NAME,
                NodeResourcesFit.NAME, PodTopologySpread.NAME, InterPodAffinity.NAME);
    }

    /**
     * The Score plugins of the default profile and their weights. Taints weigh most: a
     * PreferNoSchedule taint is the operator saying "avoid this node".
     */
    public static Map<String, Integer> defaultScoreWeights() {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put(TaintToleration.NAME, 3);
        weights.put(NodeAffinity.NAME, 2);
        weights.put(NodeResourcesFit.NAME, 1);
        weights.put(PodTopologySpread.NAME, 2);
        weights.put(InterPodAffinity.NAME, 2);
        weights.put(NodeResourcesBalancedAllocation.NAME, 1);
        return Collections.unmodifiableMap(weights);
    }
}
