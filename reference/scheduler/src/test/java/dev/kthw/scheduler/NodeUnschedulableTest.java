package dev.kthw.scheduler;

import static dev.kthw.scheduler.Fixtures.filter;
import static dev.kthw.scheduler.Fixtures.node;
import static dev.kthw.scheduler.Fixtures.nodeFrom;
import static dev.kthw.scheduler.Fixtures.pod;
import static dev.kthw.scheduler.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Chapter 03, Filtering: a cordoned node takes no new pods. */
class NodeUnschedulableTest {

    private final NodeUnschedulable plugin = new NodeUnschedulable();
    private final Snapshot cluster = snapshot(
            nodeFrom("""
                    metadata: {name: cordoned}
                    spec: {unschedulable: true}
                    status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
                    """),
            node("open"));

    @Test
    void aCordonedNodeIsUnschedulableForGood() {
        Pod web = pod("metadata: {name: web}");

        Status status = filter(plugin, web, cluster, "cordoned");

        assertThat(status.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(status.reasons()).containsExactly("node(s) were unschedulable");
        assertThat(filter(plugin, web, cluster, "open").isSuccess()).isTrue();
    }

    @Test
    void aPodToleratingTheUnschedulableTaintMayStillLandThere() {
        Pod daemon = pod("""
                metadata: {name: agent}
                spec:
                  tolerations:
                  - {key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}
                """);

        assertThat(filter(plugin, daemon, cluster, "cordoned").isSuccess()).isTrue();
    }

    @Test
    void aTolerationForAnotherTaintDoesNotHelp() {
        Pod web = pod("""
                metadata: {name: web}
                spec:
                  tolerations:
                  - {key: dedicated, operator: Exists}
                """);

        assertThat(filter(plugin, web, cluster, "cordoned").reasons()).containsExactly("node(s) were unschedulable");
    }
}
