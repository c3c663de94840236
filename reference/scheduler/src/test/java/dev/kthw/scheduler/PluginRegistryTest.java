package dev.kthw.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Chapter 03, Configuration: plugins by their KubeSchedulerConfiguration names, and the default profile. */
class PluginRegistryTest {

    @Test
    void everyDefaultPluginIsBuiltByItsName() {
        for (String name : PluginRegistry.defaultPlugins()) {
            assertThat(PluginRegistry.create(name, null).name()).isEqualTo(name);
        }
    }

    @Test
    void argsConfigureThePlugin() throws Exception {
        Plugin fit = PluginRegistry.create("NodeResourcesFit", new ObjectMapper().readTree("""
                {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "NodeResourcesFitArgs",
                 "scoringStrategy": {"type": "MostAllocated"}}
                """));

        assertThat(fit).isInstanceOfSatisfying(NodeResourcesFit.class,
                f -> assertThat(f.strategy()).isEqualTo(NodeResourcesFit.Strategy.MostAllocated));
        assertThat(((NodeResourcesFit) PluginRegistry.create("NodeResourcesFit", new ObjectMapper().missingNode()))
                .strategy()).isEqualTo(NodeResourcesFit.Strategy.LeastAllocated);
    }

    @Test
    void anUnknownNameIsAnErrorThatNamesIt() {
        assertThatThrownBy(() -> PluginRegistry.create("NodePorts", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"NodePorts\"");
    }

    @Test
    void argsKthwCannotHonourAreRefusedNotIgnored() throws Exception {
        ObjectMapper json = new ObjectMapper();

        assertThatThrownBy(() -> PluginRegistry.create("NodeAffinity", json.readTree(
                "{\"addedAffinity\": {\"requiredDuringSchedulingIgnoredDuringExecution\": {}}}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("addedAffinity");
        assertThatThrownBy(() -> PluginRegistry.create("PodTopologySpread", json.readTree(
                "{\"defaultConstraints\": [{\"maxSkew\": 1, \"topologyKey\": \"zone\"}]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defaultConstraints");
        assertThat(PluginRegistry.create("PodTopologySpread", json.readTree("{\"defaultingType\": \"List\"}")))
                .isInstanceOf(PodTopologySpread.class);
    }

    @Test
    void theDefaultProfileFiltersInKubeSchedulersOrder() {
        assertThat(PluginRegistry.defaultFilters()).containsExactly("NodeUnschedulable", "NodeName",
                "TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity");
        for (String name : PluginRegistry.defaultFilters()) {
            assertThat(PluginRegistry.create(name, null)).isInstanceOf(Plugin.Filter.class);
        }
    }

    @Test
    void theDefaultScoreWeightsAreKubeSchedulers() {
        assertThat(PluginRegistry.defaultScoreWeights()).containsExactly(
                entry("TaintToleration", 3), entry("NodeAffinity", 2),
                entry("NodeResourcesFit", 1), entry("PodTopologySpread", 2),
                entry("InterPodAffinity", 2), entry("NodeResourcesBalancedAllocation", 1));
        for (String name : PluginRegistry.defaultScoreWeights().keySet()) {
            assertThat(PluginRegistry.create(name, null)).isInstanceOf(Plugin.Score.class);
        }
    }
}
