package dev.kthw.scheduler;

import static dev.kthw.scheduler.Fakes.T0;
import static dev.kthw.scheduler.Fakes.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The scheduling queue: active, backoff and unschedulable pods (chapter 03, Why a queue with backoff). */
class SchedulingQueueTest {

    private final FakeClock clock = new FakeClock(T0);
    private final SchedulingQueue queue = new SchedulingQueue(clock);

    @Test
    void higherPriorityComesFirstThenTheOlderPodThenTheFirstToArrive() throws Exception {
        queue.add(pod("young", 0, 0, T0.plusSeconds(10)));
        queue.add(pod("old", 0, 0, T0));
        queue.add(pod("important", 0, 1000, T0.plusSeconds(20)));
        queue.add(pod("old-too", 0, 0, T0));

        assertThat(List.of(queue.pop(), queue.pop(), queue.pop(), queue.pop()))
                .extracting(q -> q.pod().name()).containsExactly("important", "old", "old-too", "young");
    }

    @Test
    void backoffDoublesFromOneSecondUpToTenSeconds() {
        assertThat(List.of(1, 2, 3, 4, 5, 6)).extracting(queue::backoffDuration).containsExactly(
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(10), Duration.ofSeconds(10));
        SchedulingQueue custom = new SchedulingQueue(clock, Duration.ofMillis(100), Duration.ofMillis(250),
                Duration.ofMinutes(1));
        assertThat(List.of(1, 2, 3)).extracting(custom::backoffDuration).containsExactly(
                Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250));
    }

    @Test
    void aFailedPodBacksOffUntilItsTimeIsUpAndLongerAfterEachFailure() throws Exception {
        queue.add(pod("p", 0));
        queue.addBackoff(queue.pop());

        clock.advance(Duration.ofMillis(999));
        queue.flushBackoffCompleted();
        assertThat(queue.where("default/p")).isEqualTo("backoff");

        clock.advance(Duration.ofMillis(1));
        queue.flushBackoffCompleted();
        assertThat(queue.where("default/p")).isEqualTo("active");
        SchedulingQueue.QueuedPod again = queue.pop();
        assertThat(again.attempts()).isEqualTo(2);

        queue.addBackoff(again);                       // second failure: 2 seconds
        clock.advance(Duration.ofMillis(1999));
        queue.flushBackoffCompleted();
        assertThat(queue.where("default/p")).isEqualTo("backoff");
        clock.advance(Duration.ofMillis(1));
        queue.flushBackoffCompleted();
        assertThat(queue.where("default/p")).isEqualTo("active");
    }

    @Test
    void anUnschedulablePodWaitsForAnEventAndGoesThroughBackoffIfStillBackingOff() throws Exception {
        queue.add(pod("p", 0));
        queue.addUnschedulable(queue.pop(), Set.of("NodeResourcesFit"));
        assertThat(queue.pending()).isEqualTo(new SchedulingQueue.Pending(0, 0, 1));

        queue.moveAllToActiveOrBackoff(SchedulingQueue.Event.NODE_ADD);
        assertThat(queue.where("default/p")).isEqualTo("backoff");    // failed 0s ago, backoff 1s

        queue.addUnschedulable(popAfter(Duration.ofSeconds(1)), Set.of("NodeResourcesFit"));
        clock.advance(Duration.ofSeconds(5));                          // the 2s backoff is over
        queue.moveAllToActiveOrBackoff(SchedulingQueue.Event.NODE_UPDATE);
        assertThat(queue.where("default/p")).isEqualTo("active");
    }

    @Test
    void aPodPlacedElsewhereHelpsOnlyPodsRejectedForOtherPodsPlacement() throws Exception {
        queue.add(pod("needs-cpu", 0));
        queue.add(pod("needs-a-db-nearby", 0));
        queue.addUnschedulable(queue.pop(), Set.of("NodeResourcesFit"));
        queue.addUnschedulable(queue.pop(), Set.of("InterPodAffinity"));
        clock.advance(Duration.ofSeconds(1));

        queue.moveAllToActiveOrBackoff(SchedulingQueue.Event.ASSIGNED_POD_ADD);

        assertThat(queue.where("default/needs-cpu")).isEqualTo("unschedulable");
        assertThat(queue.where("default/needs-a-db-nearby")).isEqualTo("active");
        queue.moveAllToActiveOrBackoff(SchedulingQueue.Event.ASSIGNED_POD_DELETE);
        assertThat(queue.where("default/needs-cpu")).isEqualTo("active");
    }

    @Test
    void anEventWhileThePodWasInFlightSendsItToBackoffNotToWaitForever() throws Exception {
        queue.add(pod("p", 0));
        SchedulingQueue.QueuedPod popped = queue.pop();

        queue.moveAllToActiveOrBackoff(SchedulingQueue.Event.NODE_ADD);   // the node that would fit arrives now
        queue.addUnschedulable(popped, Set.of("NodeResourcesFit"));

        assertThat(queue.where("default/p")).isEqualTo("backoff");
    }

    @Test
    void podsParkedLongerThanFiveMinutesAreRetriedAnyway() throws Exception {
        queue.add(pod("p", 0));
        queue.addUnschedulable(queue.pop(), Set.of("NodeResourcesFit"));

        clock.advance(Duration.ofMinutes(5));
        queue.flushUnschedulableLeftover();
        assertThat(queue.where("default/p")).isEqualTo("unschedulable");

        clock.advance(Duration.ofSeconds(1));
        queue.flushUnschedulableLeftover();
        assertThat(queue.where("default/p")).isEqualTo("active");
    }

    @Test
    void popWaitsForAPodAndCloseReleasesIt() throws Exception {
        CompletableFuture<SchedulingQueue.QueuedPod> first = CompletableFuture.supplyAsync(this::popQuietly);
        Thread.sleep(100);
        assertThat(first).isNotDone();
        queue.add(pod("p", 0));
        assertThat(first.get(5, TimeUnit.SECONDS).pod().name()).isEqualTo("p");

        CompletableFuture<SchedulingQueue.QueuedPod> second = CompletableFuture.supplyAsync(this::popQuietly);
        Thread.sleep(100);
        queue.close();
        assertThat(second.get(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aPodDeletedWhileInFlightIsNotRequeued() throws Exception {
        queue.add(pod("p", 0));
        SchedulingQueue.QueuedPod popped = queue.pop();

        queue.delete("default/p");
        queue.addUnschedulable(popped, Set.of());

        assertThat(queue.where("default/p")).isNull();
        assertThat(queue.pending()).isEqualTo(new SchedulingQueue.Pending(0, 0, 0));
    }

    @Test
    void aPodUpdatedWhileInFlightIsRequeuedAsItIsNow() throws Exception {
        queue.add(pod("p", 100));
        SchedulingQueue.QueuedPod popped = queue.pop();

        queue.update(pod("p", 50));
        queue.addBackoff(popped);
        clock.advance(Duration.ofSeconds(1));
        queue.flushBackoffCompleted();

        assertThat(queue.pop().pod().requests().milliCpu()).isEqualTo(50);
    }

    @Test
    void anUnschedulablePodIsRetriedWhenItChangesButNotForANewResourceVersionAlone() throws Exception {
        Pod p = pod("p", 100);
        queue.add(p);
        queue.addUnschedulable(queue.pop(), Set.of("NodeResourcesFit"));
        clock.advance(Duration.ofSeconds(2));

        queue.update(new Pod(p.namespace(), p.name(), p.uid(), "2", p.schedulerName(), "", 0, p.preemptionPolicy(),
                p.labels(), p.nodeSelector(), p.requests(), p.tolerations(), p.affinity(),
                p.topologySpreadConstraints(), p.created(), false));
        assertThat(queue.where("default/p")).isEqualTo("unschedulable");

        queue.update(new Pod(p.namespace(), p.name(), p.uid(), "3", p.schedulerName(), "", 0, p.preemptionPolicy(),
                Map.of("tier", "web"), p.nodeSelector(), p.requests(), p.tolerations(), p.affinity(),
                p.topologySpreadConstraints(), p.created(), false));
        assertThat(queue.where("default/p")).isEqualTo("active");
    }

    @Test
    void aScheduledPodLeavesTheQueue() throws Exception {
        queue.add(pod("p", 0));
        SchedulingQueue.QueuedPod popped = queue.pop();
        assertThat(queue.where("default/p")).isEqualTo("in flight");

        queue.done(popped.pod().key());

        assertThat(queue.where("default/p")).isNull();
    }

    private SchedulingQueue.QueuedPod popAfter(Duration wait) throws InterruptedException {
        clock.advance(wait);
        queue.flushBackoffCompleted();
        return queue.pop();
    }

    private SchedulingQueue.QueuedPod popQuietly() {
        try {
            return queue.pop();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
