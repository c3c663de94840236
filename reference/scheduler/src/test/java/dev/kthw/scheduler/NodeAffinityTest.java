package dev.kthw.scheduler;

import static dev.kthw.scheduler.Fixtures.filter;
import static dev.kthw.scheduler.Fixtures.node;
import static dev.kthw.scheduler.Fixtures.pod;
import static dev.kthw.scheduler.Fixtures.scores;
import static dev.kthw.scheduler.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kthw.scheduler.Affinity.Requirement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chapter 03, Affinity: nodeSelector and node affinity, required and preferred. */
class NodeAffinityTest {

    private static final String REASON = "node(s) didn't match Pod's node affinity/selector";

    private final NodeAffinity plugin = new NodeAffinity();
    private final Snapshot cluster = snapshot(
            node("a1", "zone=a", "disk=ssd", "cores=8"),
            node("a2", "zone=a", "cores=2"),
            node("b1", "zone=b", "disk=ssd", "cores=16"));

    /** A pod with this YAML under spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution. */
    private static Pod requiring(String nodeSelectorTermsYaml) {
        return pod("""
                metadata: {name: web}
                spec:
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                %s
                """.formatted(nodeSelectorTermsYaml.indent(8)));
    }

    @Test
    void aNodeSelectorNeedsEveryLabelWithItsValue() {
        Pod web = pod("""
                metadata: {name: web}
                spec:
                  nodeSelector: {zone: a, disk: ssd}
                """);

        Status a2 = filter(plugin, web, cluster, "a2");

        assertThat(filter(plugin, web, cluster, "a1").isSuccess()).isTrue();
        assertThat(a2.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(a2.reasons()).containsExactly(REASON);
        assertThat(filter(plugin, web, cluster, "b1").reasons()).containsExactly(REASON);
    }

    @Test
    void requiredTermsAreOredAndTheirRequirementsAnded() {
        Pod web = requiring("""
                - matchExpressions:
                  - {key: zone, operator: In, values: [a]}
                  - {key: disk, operator: Exists}
                - matchExpressions:
                  - {key: zone, operator: In, values: [b]}
                """);

        assertThat(filter(plugin, web, cluster, "a1").isSuccess()).isTrue();
        assertThat(filter(plugin, web, cluster, "a2").reasons()).containsExactly(REASON);
        assertThat(filter(plugin, web, cluster, "b1").isSuccess()).isTrue();
    }

    @Test
    void aNodeSelectorAndRequiredAffinityMustBothHold() {
        Pod web = pod("""
                metadata: {name: web}
                spec:
                  nodeSelector: {disk: ssd}
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                        - matchExpressions: [{key: zone, operator: NotIn, values: [a]}]
                """);

        assertThat(filter(plugin, web, cluster, "a1").reasons()).containsExactly(REASON);
        assertThat(filter(plugin, web, cluster, "b1").isSuccess()).isTrue();
    }

    @Test
    void eachOperatorAsKubernetesDefinesIt() {
        assertThat(NodeAffinity.holds(new Requirement("zone", "In", List.of("a", "b")), "b")).isTrue();
        assertThat(NodeAffinity.holds(new Requirement("zone", "In", List.of("a")), null)).isFalse();
        // NotIn and DoesNotExist are satisfied by a node without the label at all.
        assertThat(NodeAffinity.holds(new Requirement("zone", "NotIn", List.of("a")), null)).isTrue();
        assertThat(NodeAffinity.holds(new Requirement("zone", "NotIn", List.of("a")), "a")).isFalse();
        assertThat(NodeAffinity.holds(new Requirement("gpu", "Exists", List.of()), "")).isTrue();
        assertThat(NodeAffinity.holds(new Requirement("gpu", "DoesNotExist", List.of()), null)).isTrue();
        // Gt and Lt compare integers; a value that is not one matches neither.
        assertThat(NodeAffinity.holds(new Requirement("cores", "Gt", List.of("4")), "8")).isTrue();
        assertThat(NodeAffinity.holds(new Requirement("cores", "Gt", List.of("4")), "4")).isFalse();
        assertThat(NodeAffinity.holds(new Requirement("cores", "Lt", List.of("4")), "2")).isTrue();
        assertThat(NodeAffinity.holds(new Requirement("cores", "Lt", List.of("4")), "two")).isFalse();
        assertThat(NodeAffinity.holds(new Requirement("cores", "Gt", List.of("4")), null)).isFalse();
    }

    @Test
    void gtSelectsNodesByANumericLabel() {
        Pod big = requiring("""
                - matchExpressions: [{key: cores, operator: Gt, values: ["4"]}]
                """);

        assertThat(filter(plugin, big, cluster, "a1").isSuccess()).isTrue();
        assertThat(filter(plugin, big, cluster, "a2").reasons()).containsExactly(REASON);
    }

    @Test
    void matchFieldsSelectsANodeByName() {
        Pod web = requiring("""
                - matchFields: [{key: metadata.name, operator: In, values: [b1]}]
                """);

        assertThat(filter(plugin, web, cluster, "b1").isSuccess()).isTrue();
        assertThat(filter(plugin, web, cluster, "a1").reasons()).containsExactly(REASON);
    }

    @Test
    void anEmptyTermMatchesNoNode() {
        Pod web = requiring("- {}");

        assertThat(filter(plugin, web, cluster, "a1").reasons()).containsExactly(REASON);
    }

    @Test
    void aPodWithoutNodeConstraintsIsSkipped() {
        Status pre = plugin.preFilter(new CycleState(), pod("metadata: {name: web}"), cluster);

        assertThat(pre.code()).isEqualTo(Status.Code.SKIP);
    }

    @Test
    void preferredTermsAddTheirWeightsAndTheBestNodeGets100() {
        Pod web = pod("""
                metadata: {name: web}
                spec:
                  affinity:
                    nodeAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                      - weight: 80
                        preference:
                          matchExpressions: [{key: disk, operator: In, values: [ssd]}]
                      - weight: 20
                        preference:
                          matchExpressions: [{key: zone, operator: In, values: [a]}]
                """);

        // Raw: a1 80 + 20, a2 20, b1 80; scaled so that 100 is the top.
        assertThat(scores(plugin, web, cluster)).containsEntry("a1", 100L).containsEntry("a2", 20L)
                .containsEntry("b1", 80L);
    }

    @Test
    void aPodWithoutPreferredTermsIsNotScored() {
        assertThat(scores(plugin, pod("metadata: {name: web}"), cluster)).isEmpty();
    }
}
