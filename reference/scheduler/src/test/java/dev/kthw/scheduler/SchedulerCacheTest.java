package dev.kthw.scheduler;

import static dev.kthw.scheduler.Fakes.T0;
import static dev.kthw.scheduler.Fakes.node;
import static dev.kthw.scheduler.Fakes.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler's cache: nodes, bound pods, and assumed pods (chapter 03, The assume/bind race). */
class SchedulerCacheTest {

    private final FakeClock clock = new FakeClock(T0);
    private final SchedulerCache cache = new SchedulerCache(clock, Duration.ofSeconds(30));

    @BeforeEach
    void twoNodes() {
        cache.addNode(node("a", 4000));
        cache.addNode(node("b", 4000));
    }

    private long cpuUsedOn(String node) {
        return cache.snapshot().get(node).requested().milliCpu();
    }

    @Test
    void anAssumedPodTakesItsResourcesAtOnceSoTheNextCycleSeesThem() {
        cache.assume(pod("web", 1500), "a");

        NodeInfo a = cache.snapshot().get("a");
        assertThat(a.requested().milliCpu()).isEqualTo(1500);
        assertThat(a.pods()).extracting(Pod::nodeName).containsExactly("a");
        assertThat(cache.isAssumed("default/web")).isTrue();
    }

    @Test
    void whenTheInformerReportsThePodBoundTheAssumptionIsConfirmedAndCountedOnce() {
        cache.assume(pod("web", 1500), "a");
        cache.finishBinding("default/web");

        cache.addPod(pod("web", 1500).onNode("a"));

        assertThat(cache.isAssumed("default/web")).isFalse();
        assertThat(cpuUsedOn("a")).isEqualTo(1500);
        assertThat(cache.snapshot().get("a").pods()).hasSize(1);
        clock.advance(Duration.ofHours(1));
        assertThat(cache.cleanupExpired()).isEmpty();           // confirmed pods never expire
        assertThat(cpuUsedOn("a")).isEqualTo(1500);
    }

    @Test
    void aPodBoundElsewhereThanAssumedMovesToWhereItIs() {
        cache.assume(pod("web", 1500), "a");

        cache.addPod(pod("web", 1500).onNode("b"));

        assertThat(cpuUsedOn("a")).isZero();
        assertThat(cpuUsedOn("b")).isEqualTo(1500);
    }

    @Test
    void aFailedBindingIsForgottenAndFreesTheNode() {
        cache.assume(pod("web", 1500), "a");

        cache.forget("default/web");

        assertThat(cpuUsedOn("a")).isZero();
        assertThat(cache.pod("default/web")).isNull();
    }

    @Test
    void anAssumedPodThatIsNeverConfirmedExpiresAfterTheTtlCountedFromTheEndOfBinding() {
        cache.assume(pod("web", 1500), "a");
        clock.advance(Duration.ofMinutes(10));                   // still binding: no expiry yet
        assertThat(cache.cleanupExpired()).isEmpty();

        cache.finishBinding("default/web");
        clock.advance(Duration.ofSeconds(30));
        assertThat(cache.cleanupExpired()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.cleanupExpired()).containsExactly("default/web");

        assertThat(cpuUsedOn("a")).isZero();
    }

    @Test
    void aPodCannotBeAssumedTwice() {
        cache.assume(pod("web", 100), "a");

        assertThatThrownBy(() -> cache.assume(pod("web", 100), "b")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cache.addPod(pod("pending", 100))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forgettingAConfirmedPodDoesNothing() {
        cache.addPod(pod("web", 700).onNode("a"));

        cache.forget("default/web");

        assertThat(cpuUsedOn("a")).isEqualTo(700);
    }

    @Test
    void deletedPodsFreeTheirResources() {
        cache.addPod(pod("web", 700).onNode("a"));
        cache.addPod(pod("db", 300).onNode("a"));

        cache.removePod("default/web");

        assertThat(cpuUsedOn("a")).isEqualTo(300);
        assertThat(cache.podCount()).isEqualTo(1);
    }

    @Test
    void podsThatArriveBeforeTheirNodeAreCountedWhenItDoes() {
        cache.addPod(pod("early", 250).onNode("c"));
        assertThat(cache.snapshot().get("c")).isNull();

        cache.addNode(node("c", 1000));

        assertThat(cpuUsedOn("c")).isEqualTo(250);
    }

    @Test
    void aChangedNodeKeepsItsPodsAndARemovedNodeLeavesTheSnapshot() {
        cache.addPod(pod("web", 700).onNode("a"));

        cache.updateNode(node("a", 8000, Map.of("zone", "z1")));
        assertThat(cache.snapshot().get("a").node().labels()).containsEntry("zone", "z1");
        assertThat(cpuUsedOn("a")).isEqualTo(700);

        cache.removeNode("a");
        assertThat(cache.snapshot().nodes()).extracting(NodeInfo::name).containsExactly("b");
        cache.addNode(node("a", 8000));
        assertThat(cpuUsedOn("a")).isEqualTo(700);
    }

    @Test
    void theSnapshotIsReusedUntilSomethingChangesAndOldSnapshotsNeverChange() {
        Snapshot first = cache.snapshot();
        assertThat(cache.snapshot()).isSameAs(first);

        cache.assume(pod("web", 100), "a");
        Snapshot second = cache.snapshot();

        assertThat(second).isNotSameAs(first);
        assertThat(first.get("a").pods()).isEmpty();
        assertThat(second.get("a").pods()).hasSize(1);
        assertThat(second.nodes()).extracting(NodeInfo::name).containsExactly("a", "b");   // arrival order
    }
}
