package dev.kthw.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reading a KubeSchedulerConfiguration into profiles (chapter 03, Configuring the scheduler). */
class SchedulerConfigurationTest {

    /** Two fake plugins: a filter+score "Fit" and a score-only "Spread", with their args remembered. */
    static final class Both implements Plugin.Filter, Plugin.Score {
        final String name;
        final JsonNode args;

        Both(String name, JsonNode args) {
            this.name = name;
            this.args = args;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Status filter(CycleState state, Pod pod, NodeInfo node) {
            return Status.SUCCESS;
        }

        @Override
        public long score(CycleState state, Pod pod, NodeInfo node) {
            return 0;
        }
    }

    static final PluginCatalog CATALOG = PluginCatalog.of((name, args) -> {
        switch (name) {
            case "Fit":
                return new Both(name, args);
            case "Spread":
                return Fakes.scoring("Spread", Map.of());
            default:
                throw new IllegalArgumentException("unknown scheduler plugin \"" + name + "\"");
        }
    }, List.of("Fit", "Spread"), Map.of("Fit", 1, "Spread", 2));

    private static final Plugin.Bind BINDER = new Plugin.Bind() {
        @Override
        public String name() {
            return SchedulerConfiguration.DEFAULT_BINDER;
        }

        @Override
        public Status bind(CycleState state, Pod pod, String nodeName) {
            return Status.SUCCESS;
        }
    };

    private static List<Framework> frameworks(String yaml) {
        return SchedulerConfiguration.parse(yaml).frameworks(CATALOG, BINDER, new Random());
    }

    private static List<String> names(List<? extends Plugin> plugins) {
        return plugins.stream().map(Plugin::name).toList();
    }

    @Test
    void withoutProfilesTheDefaultSchedulerRunsTheDefaultPluginsWithPreemptionAndTheBinder() {
        Framework f = frameworks("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n")
                .get(0);

        assertThat(f.schedulerName()).isEqualTo("default-scheduler");
        assertThat(names(f.points().filter())).containsExactly("Fit");
        assertThat(names(f.points().score())).containsExactly("Fit", "Spread");
        assertThat(names(f.points().postFilter())).containsExactly("DefaultPreemption");
        assertThat(names(f.points().bind())).containsExactly("DefaultBinder");
        assertThat(f.scoreWeights()).containsEntry("Spread", 2);
    }

    @Test
    void pluginsAreDisabledAndEnabledPerExtensionPointWithWeightsAndArgs() {
        List<Framework> profiles = frameworks("""
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                percentageOfNodesToScore: 30
                profiles:
                - schedulerName: default-scheduler
                - schedulerName: packing
                  percentageOfNodesToScore: 70
                  plugins:
                    score:
                      disabled: [{name: "*"}]
                      enabled: [{name: Fit, weight: 5}]
                    postFilter:
                      disabled: [{name: DefaultPreemption}]
                  pluginConfig:
                  - name: Fit
                    args: {scoringStrategy: {type: MostAllocated}}
                """);

        Framework packing = profiles.get(1);
        assertThat(profiles).extracting(Framework::schedulerName).containsExactly("default-scheduler", "packing");
        assertThat(names(packing.points().filter())).containsExactly("Fit");
        assertThat(names(packing.points().score())).containsExactly("Fit");
        assertThat(packing.scoreWeights()).containsEntry("Fit", 5);
        assertThat(packing.points().postFilter()).isEmpty();
        assertThat(((Both) packing.points().filter().get(0)).args.path("scoringStrategy").path("type").asText())
                .isEqualTo("MostAllocated");
        assertThat(profiles.get(0).numFeasibleNodesToFind(1000)).isEqualTo(300);
        assertThat(packing.numFeasibleNodesToFind(1000)).isEqualTo(700);
    }

    @Test
    void leaderElectionAndBackoffAreRead() {
        SchedulerConfiguration c = SchedulerConfiguration.parse("""
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                leaderElection: {leaderElect: false, leaseDuration: 1m30s, resourceName: my-scheduler}
                podInitialBackoffSeconds: 2
                podMaxBackoffSeconds: 20
                clientConnection: {kubeconfig: /etc/kthw/scheduler.kubeconfig}
                """);

        assertThat(c.leaderElection()).isEqualTo(new SchedulerConfiguration.LeaderElection(false,
                Duration.ofSeconds(90), Duration.ofSeconds(10), Duration.ofSeconds(2), "kube-system", "my-scheduler"));
        assertThat(c.podInitialBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.podMaxBackoff()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.kubeconfig()).isEqualTo("/etc/kthw/scheduler.kubeconfig");
        assertThat(c.withLeaderElect(true).leaderElection().leaderElect()).isTrue();
    }

    @Test
    void mistakesAreNamedClearly() {
        String head = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";

        assertThatThrownBy(() -> SchedulerConfiguration.parse("apiVersion: v1\nkind: Pod\n"))
                .hasMessageContaining("expected apiVersion kubescheduler.config.k8s.io/v1");
        assertThatThrownBy(() -> SchedulerConfiguration.parse(head + "percentageOfNodesToScore: 150\n"))
                .hasMessageContaining("percentageOfNodesToScore: must be 0 to 100");
        assertThatThrownBy(() -> SchedulerConfiguration.parse(head + "profiles: [{schedulerName: a}, "
                + "{schedulerName: a}]\n")).hasMessageContaining("duplicate schedulerName \"a\"");
        assertThatThrownBy(() -> SchedulerConfiguration.parse(head + "profiles: [{plugins: {permit: {enabled: "
                + "[{name: X}]}}}]\n")).hasMessageContaining("kthw has no permit extension point");
        assertThatThrownBy(() -> frameworks(head + "profiles: [{plugins: {filter: {enabled: [{name: Nope}]}}}]\n"))
                .hasMessageContaining("unknown scheduler plugin \"Nope\"");
        assertThatThrownBy(() -> frameworks(head + "profiles: [{plugins: {filter: {enabled: [{name: Spread}]}}}]\n"))
                .hasMessageContaining("plugin Spread has no filter extension point");
        assertThatThrownBy(() -> SchedulerConfiguration.parse(head + "leaderElection: {leaseDuration: soon}\n"))
                .hasMessageContaining("leaderElection.leaseDuration: 'soon' is not a duration");
        assertThatThrownBy(() -> SchedulerConfiguration.parse("profiles: [")).hasMessageContaining("not valid YAML");
    }
}
