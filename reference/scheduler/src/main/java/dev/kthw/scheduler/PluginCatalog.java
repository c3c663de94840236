package dev.kthw.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Where the scheduler's plugins come from, by the names KubeSchedulerConfiguration uses:
 * PluginRegistry for kthw's own, or a test's fakes. The framework's own plugins
 * (DefaultPreemption, DefaultBinder, the queue's PrioritySort) are not in it.
 */
public interface PluginCatalog {

    /** A new plugin of this name with these args (null: defaults); IllegalArgumentException if unknown. */
    Plugin create(String name, JsonNode args);

    /** The default profile's plugins, in the order they run. */
    List<String> defaultPlugins();

    /** The default profile's score weights. */
    Map<String, Integer> defaultScoreWeights();

    /** A catalog from a factory function and the default profile. */
    static PluginCatalog of(BiFunction<String, JsonNode, Plugin> create, List<String> plugins,
            Map<String, Integer> weights) {
        return new PluginCatalog() {
            @Override
            public Plugin create(String name, JsonNode args) {
                return create.apply(name, args);
            }

            @Override
            public List<String> defaultPlugins() {
                return plugins;
            }

            @Override
            public Map<String, Integer> defaultScoreWeights() {
                return weights;
            }
        };
    }
}
