package dev.kthw.scheduler;

import static dev.kthw.scheduler.Fixtures.filter;
import static dev.kthw.scheduler.Fixtures.node;
import static dev.kthw.scheduler.Fixtures.nodeFrom;
import static dev.kthw.scheduler.Fixtures.pod;
import static dev.kthw.scheduler.Fixtures.scores;
import static dev.kthw.scheduler.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kthw.scheduler.Affinity.Taint;
import dev.kthw.scheduler.Affinity.Toleration;
import org.junit.jupiter.api.Test;

/** Chapter 03, Taints and tolerations: nodes repel pods, pods accept taints. */
class TaintTolerationTest {

    private final TaintToleration plugin = new TaintToleration();
    private final Snapshot cluster = snapshot(
            tainted("gpu", "{key: dedicated, value: gpu, effect: NoSchedule}"),
            tainted("control", "{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}"),
            tainted("draining", "{key: maintenance, value: \"true\", effect: NoExecute}"),
            tainted("spot", "{key: spot, value: \"true\", effect: PreferNoSchedule}"),
            node("plain"));

    private static Node tainted(String name, String... taints) {
        return nodeFrom("""
                metadata: {name: %s}
                spec:
                  taints: [%s]
                status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
                """.formatted(name, String.join(", ", taints)));
    }

    private static Pod tolerating(String tolerationsYaml) {
        return pod("""
                metadata: {name: web}
                spec:
                  tolerations: [%s]
                """.formatted(tolerationsYaml));
    }

    @Test
    void anUntoleratedNoScheduleTaintRejectsTheNodeNamingTheTaint() {
        Status status = filter(plugin, pod("metadata: {name: web}"), cluster, "gpu");

        assertThat(status.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(status.reasons()).containsExactly("node(s) had untolerated taint {dedicated: gpu}");
    }

    @Test
    void aTaintWithoutValueIsPrintedWithAnEmptyValue() {
        assertThat(filter(plugin, pod("metadata: {name: web}"), cluster, "control").reasons())
                .containsExactly("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }");
    }

    @Test
    void noExecuteTaintsBlockSchedulingAndPreferNoScheduleOnesDoNot() {
        Pod web = pod("metadata: {name: web}");

        assertThat(filter(plugin, web, cluster, "draining").reasons())
                .containsExactly("node(s) had untolerated taint {maintenance: true}");
        assertThat(filter(plugin, web, cluster, "spot").isSuccess()).isTrue();
        assertThat(filter(plugin, web, cluster, "plain").isSuccess()).isTrue();
    }

    @Test
    void anEqualTolerationNeedsTheSameKeyAndValue() {
        assertThat(filter(plugin, tolerating("{key: dedicated, operator: Equal, value: gpu}"), cluster, "gpu")
                .isSuccess()).isTrue();
        // No operator means Equal.
        assertThat(filter(plugin, tolerating("{key: dedicated, value: gpu, effect: NoSchedule}"), cluster, "gpu")
                .isSuccess()).isTrue();
        assertThat(filter(plugin, tolerating("{key: dedicated, value: tpu}"), cluster, "gpu").isSuccess()).isFalse();
    }

    @Test
    void existsToleratesEveryValueAndWithoutAKeyEveryTaint() {
        assertThat(filter(plugin, tolerating("{key: dedicated, operator: Exists}"), cluster, "gpu").isSuccess())
                .isTrue();
        Pod everything = tolerating("{operator: Exists}");
        assertThat(filter(plugin, everything, cluster, "gpu").isSuccess()).isTrue();
        assertThat(filter(plugin, everything, cluster, "draining").isSuccess()).isTrue();
    }

    @Test
    void aTolerationForAnotherEffectDoesNotTolerate() {
        Toleration noExecuteOnly = new Toleration("dedicated", "Exists", null, "NoExecute");

        assertThat(TaintToleration.tolerates(noExecuteOnly, new Taint("dedicated", "gpu", "NoSchedule"))).isFalse();
        assertThat(TaintToleration.tolerates(noExecuteOnly, new Taint("dedicated", "gpu", "NoExecute"))).isTrue();
    }

    @Test
    void theFirstUntoleratedTaintIsTheOneNamed() {
        Snapshot twoTaints = snapshot(tainted("n1",
                "{key: a, value: \"1\", effect: NoSchedule}", "{key: b, value: \"2\", effect: NoSchedule}"));

        assertThat(filter(plugin, tolerating("{key: a, operator: Exists}"), twoTaints, "n1").reasons())
                .containsExactly("node(s) had untolerated taint {b: 2}");
    }

    @Test
    void fewerUntoleratedPreferNoScheduleTaintsScoreHigher() {
        Snapshot nodes = snapshot(
                node("clean"),
                tainted("one", "{key: spot, value: \"true\", effect: PreferNoSchedule}"),
                tainted("two", "{key: spot, value: \"true\", effect: PreferNoSchedule}",
                        "{key: old, value: \"true\", effect: PreferNoSchedule}"));

        // Raw counts 0, 1, 2, reversed and scaled: 100, 50, 0.
        assertThat(scores(plugin, pod("metadata: {name: web}"), nodes))
                .containsEntry("clean", 100L).containsEntry("one", 50L).containsEntry("two", 0L);
    }

    @Test
    void onlyTolerationsThatCanMatchPreferNoScheduleCountForScoring() {
        Snapshot nodes = snapshot(node("clean"),
                tainted("spot", "{key: spot, value: \"true\", effect: PreferNoSchedule}"));

        var tolerated = scores(plugin, tolerating("{key: spot, operator: Exists}"), nodes);
        var notForThisEffect = scores(plugin, tolerating("{key: spot, operator: Exists, effect: NoSchedule}"), nodes);

        assertThat(tolerated).containsEntry("clean", 100L).containsEntry("spot", 100L);
        assertThat(notForThisEffect).containsEntry("clean", 100L).containsEntry("spot", 0L);
    }
}
