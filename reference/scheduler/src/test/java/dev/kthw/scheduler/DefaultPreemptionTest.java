package dev.kthw.scheduler;

import static dev.kthw.scheduler.Fakes.T0;
import static dev.kthw.scheduler.Fakes.info;
import static dev.kthw.scheduler.Fakes.node;
import static dev.kthw.scheduler.Fakes.pod;
import static dev.kthw.scheduler.Fakes.rejecting;
import static dev.kthw.scheduler.Fakes.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Preemption: evicting fewer, less important pods to make room (chapter 03, Preemption). */
class DefaultPreemptionTest {

    private static final String TAINT = "node(s) had untolerated taint {dedicated: gpu}";

    private final Framework base = new Framework(Pod.DEFAULT_SCHEDULER,
            List.of(new Fakes.FakeResourceFit(), rejecting("TaintToleration", TAINT, "c")), Map.of(), 0,
            new Random(1));
    private final DefaultPreemption preemption = new DefaultPreemption(base, new Random(1));
    private final Framework profile = base.withPlugin(preemption);

    /** a: two small low-priority pods; b: one big pod of priority 5; c: tainted, nothing helps. */
    private final Snapshot cluster = snapshot(
            info(node("a", 2000), pod("low-1", 1000, 1), pod("low-2", 1000, 2)),
            info(node("b", 2000), pod("mid", 1500, 5)),
            info(node("c", 8000)));

    @Test
    void theNodeWithTheLeastImportantVictimsIsNominatedAndOnlyTheVictimsNeededAreChosen() {
        CycleState state = new CycleState();

        Pod urgent = pod("urgent", 1000, 10);

        FitError error = catchThrowableOfType(FitError.class, () -> profile.schedule(state, urgent, cluster));

        // On a, removing low-1 is enough (low-2, more important, is given back); b would cost a priority-5 pod.
        assertThat(error.nominatedNode()).isEqualTo("a");
        assertThat(DefaultPreemption.chosen(state).victims()).extracting(Pod::name).containsExactly("low-1");
        assertThat(error.getMessage()).isEqualTo("0/3 nodes are available: 1 " + TAINT + ", 2 Insufficient cpu.");
    }

    @Test
    void withNoLowerPriorityPodsTheMessageSaysWhyPreemptionDidNotHelp() {
        FitError error = catchThrowableOfType(FitError.class, () -> profile.schedule(pod("equal", 1000, 0), cluster));

        assertThat(error.nominatedNode()).isEmpty();
        assertThat(error.getMessage()).isEqualTo("0/3 nodes are available: 1 " + TAINT + ", 2 Insufficient cpu. "
                + "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
                + "2 No preemption victims found for incoming pod.");
    }

    @Test
    void aPodTooBigEvenForAnEmptiedNodeGetsTheFiltersReason() {
        FitError error = catchThrowableOfType(FitError.class, () -> profile.schedule(pod("huge", 3000, 10), cluster));

        assertThat(error.getMessage()).endsWith("preemption: 0/3 nodes are available: "
                + "1 Preemption is not helpful for scheduling, 2 Insufficient cpu.");
        assertThat(DefaultPreemption.chosen(new CycleState())).isNull();
    }

    @Test
    void aPodWithPreemptionPolicyNeverDoesNotPreempt() {
        FitError error = catchThrowableOfType(FitError.class, () -> profile.schedule(
                Fakes.neverPreempts(pod("polite", 1000, 10)), cluster));

        assertThat(error.nominatedNode()).isEmpty();
        assertThat(error.getMessage()).endsWith(" preemption: not eligible due to preemptionPolicy=Never.");
    }

    @Test
    void whileItsVictimsAreStillTerminatingThePodDoesNotPreemptAgain() {
        Pod urgent = pod("urgent", 1000, 10);
        catchThrowableOfType(FitError.class, () -> profile.schedule(urgent, cluster));
        Pod dying = new Pod("default", "low-1", "uid-low-1", "2", Pod.DEFAULT_SCHEDULER, "a", 1,
                "PreemptLowerPriority", Map.of(), Map.of(), new Resources(1000, 0, 1), List.of(), null, List.of(), T0,
                true);
        Snapshot stillTerminating = snapshot(info(node("a", 2000), dying, pod("low-2", 1000, 2)),
                cluster.get("b"), cluster.get("c"));

        FitError again = catchThrowableOfType(FitError.class, () -> profile.schedule(urgent, stillTerminating));

        assertThat(again.nominatedNode()).isEmpty();
        assertThat(again.getMessage()).endsWith("preemption: not eligible due to a terminating pod on the nominated "
                + "node.");
    }

    @Test
    void candidatesAreRankedByHighestVictimThenPrioritySumThenLatestStart() {
        DefaultPreemption.Candidate highFive = new DefaultPreemption.Candidate("x", List.of(pod("v", 0, 5)));
        DefaultPreemption.Candidate twoLow = new DefaultPreemption.Candidate("y", List.of(pod("v1", 0, 3),
                pod("v2", 0, 3)));
        DefaultPreemption.Candidate threeOne = new DefaultPreemption.Candidate("z", List.of(pod("v1", 0, 3),
                pod("v2", 0, 1)));
        DefaultPreemption.Candidate oneThree = new DefaultPreemption.Candidate("w", List.of(pod("v1", 0, 3)));
        DefaultPreemption.Candidate oneThreeNewer = new DefaultPreemption.Candidate("n",
                List.of(pod("v1", 0, 3, T0.plusSeconds(60))));

        assertThat(DefaultPreemption.pickOne(List.of(highFive, twoLow)).node()).isEqualTo("y");
        assertThat(DefaultPreemption.pickOne(List.of(twoLow, threeOne)).node()).isEqualTo("z");
        assertThat(DefaultPreemption.pickOne(List.of(threeOne, oneThree)).node()).isEqualTo("w");
        assertThat(DefaultPreemption.pickOne(List.of(oneThree, oneThreeNewer)).node()).isEqualTo("n");
    }
}
