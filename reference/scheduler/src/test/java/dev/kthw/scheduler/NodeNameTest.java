package dev.kthw.scheduler;

import static dev.kthw.scheduler.Fixtures.filter;
import static dev.kthw.scheduler.Fixtures.node;
import static dev.kthw.scheduler.Fixtures.pod;
import static dev.kthw.scheduler.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Chapter 03, Filtering: a pod that names its node may only go there. */
class NodeNameTest {

    private final NodeName plugin = new NodeName();
    private final Snapshot cluster = snapshot(node("n1"), node("n2"));

    @Test
    void aPodWithoutANodeNameMayGoAnywhere() {
        Pod web = pod("metadata: {name: web}");

        assertThat(filter(plugin, web, cluster, "n1").isSuccess()).isTrue();
        assertThat(filter(plugin, web, cluster, "n2").isSuccess()).isTrue();
    }

    @Test
    void aPodNamingANodeFitsOnlyThatNode() {
        Pod pinned = pod("""
                metadata: {name: pinned}
                spec: {nodeName: n2}
                """);

        Status elsewhere = filter(plugin, pinned, cluster, "n1");

        assertThat(elsewhere.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(elsewhere.reasons()).containsExactly("node(s) didn't match the requested node name");
        assertThat(filter(plugin, pinned, cluster, "n2").isSuccess()).isTrue();
    }
}
