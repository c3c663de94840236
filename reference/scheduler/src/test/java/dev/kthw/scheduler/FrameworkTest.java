package dev.kthw.scheduler;

import static dev.kthw.scheduler.Fakes.info;
import static dev.kthw.scheduler.Fakes.node;
import static dev.kthw.scheduler.Fakes.pod;
import static dev.kthw.scheduler.Fakes.rejecting;
import static dev.kthw.scheduler.Fakes.scoring;
import static dev.kthw.scheduler.Fakes.snapshot;
import static dev.kthw.scheduler.Fakes.snapshotOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scheduling cycle: filter, score, select, and the FitError users read (chapter 03, The cycle). */
class FrameworkTest {

    private static final String TAINT = "node(s) had untolerated taint {dedicated: gpu}";

    private static Framework framework(List<Plugin> plugins, Map<String, Integer> weights) {
        return new Framework(Pod.DEFAULT_SCHEDULER, plugins, weights, 0, new Random(42));
    }

    @Test
    void aPodThatFitsNowhereGetsKubeSchedulersMessageWithReasonsCountedOverNodes() {
        Framework f = framework(List.of(new Fakes.FakeResourceFit(),
                rejecting("TaintToleration", TAINT, "a", "b", "c")), Map.of());
        Snapshot cluster = snapshot(NodeInfo.of(node("a", 1000)), NodeInfo.of(node("b", 4000)),
                NodeInfo.of(node("c", 4000)));

        FitError error = catchThrowableOfType(FitError.class, () -> f.schedule(pod("big", 2000), cluster));

        // Node a fails both filters: only the first one that rejects it counts, as in kube-scheduler.
        assertThat(error.getMessage())
                .isEqualTo("0/3 nodes are available: 1 Insufficient cpu, 2 " + TAINT + ".");
        assertThat(error.rejections()).containsOnlyKeys("a", "b", "c");
        assertThat(error.rejections().get("a").plugin()).isEqualTo("NodeResourcesFit");
        assertThat(error.unschedulablePlugins()).containsExactly("NodeResourcesFit", "TaintToleration");
        assertThat(error.nominatedNode()).isEmpty();
    }

    @Test
    void reasonsAreSortedAsStringsSoTenComesBeforeTwo() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            names.add("node-" + i);
        }
        Framework f = framework(List.of(rejecting("A", "a reason", "node-0", "node-1"),
                rejecting("Z", "z reason", names.toArray(String[]::new))), Map.of());

        FitError error = catchThrowableOfType(FitError.class, () -> f.schedule(pod("p", 0), snapshotOf(12, 1000)));

        assertThat(error.getMessage()).isEqualTo("0/12 nodes are available: 10 z reason, 2 a reason.");
    }

    @Test
    void everyReasonOfOneNodeIsCounted() {
        Node full = new Node("full", Map.of(), List.of(), new Resources(1000, 1L << 30, 1), false);
        Framework f = framework(List.of(new Fakes.FakeResourceFit()), Map.of());

        FitError error = catchThrowableOfType(FitError.class, () -> f.schedule(pod("p", 2000),
                snapshot(info(full, pod("there", 0)))));

        assertThat(error.getMessage()).isEqualTo("0/1 nodes are available: 1 Insufficient cpu, 1 Too many pods.");
    }

    @Test
    void aPreFilterRejectionIsNamedOnceNotPerNode() {
        Plugin.PreFilter noZone = new Plugin.PreFilter() {
            @Override
            public String name() {
                return "Zones";
            }

            @Override
            public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
                return Status.unresolvable("no node in zone moon");
            }
        };
        Framework f = framework(List.of(noZone), Map.of());

        FitError error = catchThrowableOfType(FitError.class, () -> f.schedule(pod("p", 0), snapshotOf(3, 1000)));

        assertThat(error.getMessage()).isEqualTo("0/3 nodes are available: no node in zone moon.");
        assertThat(error.rejections()).hasSize(3);
        assertThat(error.rejections().values()).allMatch(s -> s.plugin().equals("Zones"));
    }

    @Test
    void aPostFilterMessageFollowsTheFilterReasonsAndItsNominatedNodeIsKept() {
        Plugin.PostFilter preemption = new Plugin.PostFilter() {
            @Override
            public String name() {
                return "DefaultPreemption";
            }

            @Override
            public Plugin.PostFilterResult postFilter(CycleState state, Pod pod, Snapshot snapshot,
                    Map<String, Status> rejections) {
                return new Plugin.PostFilterResult(null, Status.unschedulable("preemption: 0/2 nodes are available: "
                        + rejections.size() + " Preemption is not helpful for scheduling."));
            }
        };
        Framework f = framework(List.of(rejecting("TaintToleration", TAINT, "a", "b"), preemption), Map.of());

        Snapshot two = snapshot(NodeInfo.of(node("a", 1)), NodeInfo.of(node("b", 1)));

        FitError error = catchThrowableOfType(FitError.class, () -> f.schedule(pod("p", 0), two));

        assertThat(error.getMessage()).isEqualTo("0/2 nodes are available: 2 " + TAINT + ". preemption: 0/2 nodes "
                + "are available: 2 Preemption is not helpful for scheduling.");
    }

    @Test
    void anEmptyClusterSaysSoInKubeSchedulersWords() {
        Framework f = framework(List.of(), Map.of());

        assertThatThrownBy(() -> f.schedule(pod("p", 0), snapshot()))
                .isInstanceOf(FitError.class).hasMessage("no nodes available to schedule pods");
    }

    @Test
    void theHighestWeightedSumWinsSoAWeightCanTurnTheChoice() {
        Plugin.Score spread = scoring("Spread", Map.of("a", 100L, "b", 0L));
        Plugin.Score pack = scoring("Pack", Map.of("a", 0L, "b", 60L));
        Snapshot two = snapshot(NodeInfo.of(node("a", 1000)), NodeInfo.of(node("b", 1000)));

        String equalWeights = framework(List.of(spread, pack), Map.of()).schedule(pod("p", 0), two).node();
        String packWeighsTwo = framework(List.of(spread, pack), Map.of("Pack", 2)).schedule(pod("p", 0), two).node();

        assertThat(equalWeights).isEqualTo("a");   // 100 against 60
        assertThat(packWeighsTwo).isEqualTo("b");  // 100 against 120
    }

    @Test
    void normalizeBringsRawScoresToZeroToHundredAndAScoreOutsideIsAnError() {
        Map<String, Long> raw = Map.of("a", 300L, "b", 1200L, "c", 600L);
        Map<String, Long> seen = new HashMap<>();
        Plugin.Score normalized = new Plugin.Score() {
            @Override
            public String name() {
                return "Counting";
            }

            @Override
            public long score(CycleState state, Pod pod, NodeInfo node) {
                return raw.get(node.name());
            }

            @Override
            public void normalize(CycleState state, Pod pod, Map<String, Long> scores) {
                long max = scores.values().stream().mapToLong(Long::longValue).max().orElse(1);
                scores.replaceAll((n, s) -> s * MAX_SCORE / max);
                seen.putAll(scores);
            }
        };
        Snapshot three = snapshot(NodeInfo.of(node("a", 1)), NodeInfo.of(node("b", 1)), NodeInfo.of(node("c", 1)));

        Framework.ScheduleResult result = framework(List.of(normalized), Map.of()).schedule(pod("p", 0), three);

        assertThat(result.node()).isEqualTo("b");
        assertThat(seen).containsExactlyInAnyOrderEntriesOf(Map.of("a", 25L, "b", 100L, "c", 50L));
        assertThatThrownBy(() -> framework(List.of(scoring("Raw", raw)), Map.of()).schedule(pod("p", 0), three))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside 0..100");
    }

    @Test
    void aPluginThatSkipsAtPreFilterOrPreScoreIsNotRunForThatPod() {
        class Skipper implements Plugin.PreFilter, Plugin.Filter, Plugin.PreScore, Plugin.Score {
            int filtered;
            int scored;

            @Override
            public String name() {
                return "Skipper";
            }

            @Override
            public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
                return Status.SKIP;
            }

            @Override
            public Status filter(CycleState state, Pod pod, NodeInfo node) {
                filtered++;
                return Status.unresolvable("never");
            }

            @Override
            public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible, Snapshot snapshot) {
                return Status.SKIP;
            }

            @Override
            public long score(CycleState state, Pod pod, NodeInfo node) {
                scored++;
                return 1000;
            }
        }
        Skipper skipper = new Skipper();

        Framework.ScheduleResult result = framework(List.of(skipper), Map.of()).schedule(pod("p", 0), snapshotOf(3, 1));

        assertThat(result.feasibleNodes()).isEqualTo(3);
        assertThat(skipper.filtered).isZero();
        assertThat(skipper.scored).isZero();
    }

    @Test
    void percentageOfNodesToScoreIsAdaptiveAsInKubeScheduler() {
        Framework adaptive = framework(List.of(), Map.of());
        Framework thirty = new Framework("s", List.of(), Map.of(), 30, new Random());

        assertThat(adaptive.numFeasibleNodesToFind(50)).isEqualTo(50);     // small clusters: every node
        assertThat(adaptive.numFeasibleNodesToFind(150)).isEqualTo(100);   // 49% would be 73: at least 100
        assertThat(adaptive.numFeasibleNodesToFind(1000)).isEqualTo(420);  // 50% - 8
        assertThat(adaptive.numFeasibleNodesToFind(5000)).isEqualTo(500);  // 50% - 40
        assertThat(adaptive.numFeasibleNodesToFind(6000)).isEqualTo(300);  // never below 5%
        assertThat(thirty.numFeasibleNodesToFind(1000)).isEqualTo(300);
        assertThat(thirty.numFeasibleNodesToFind(200)).isEqualTo(100);
        assertThatThrownBy(() -> new Framework("s", List.of(), Map.of(), 101, new Random()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void filteringStopsOnceEnoughNodesFitAndTheNextCycleStartsWhereItStopped() {
        List<String> visited = new ArrayList<>();
        Plugin.Filter recording = new Plugin.Filter() {
            @Override
            public String name() {
                return "Recording";
            }

            @Override
            public Status filter(CycleState state, Pod pod, NodeInfo node) {
                visited.add(node.name());
                return Status.SUCCESS;
            }
        };
        Framework f = framework(List.of(recording), Map.of());
        Snapshot thousand = snapshotOf(1000, 1000);

        Framework.ScheduleResult first = f.schedule(pod("p1", 0), thousand);
        visited.clear();
        f.schedule(pod("p2", 0), thousand);
        String secondStart = visited.get(0);
        visited.clear();
        f.schedule(pod("p3", 0), thousand);

        assertThat(first.evaluatedNodes()).isEqualTo(420);
        assertThat(first.feasibleNodes()).isEqualTo(420);
        assertThat(secondStart).isEqualTo("node-420");
        assertThat(visited.get(0)).isEqualTo("node-840");
        assertThat(visited.get(visited.size() - 1)).isEqualTo("node-259");   // wrapped around: 840 + 420 - 1000 - 1
    }

    @Test
    void whenNothingFitsEveryNodeIsTriedAndEvaluated() {
        Fakes.FakeResourceFit fit = new Fakes.FakeResourceFit();
        Framework f = framework(List.of(fit), Map.of());

        catchThrowableOfType(FitError.class, () -> f.schedule(pod("p", 5000), snapshotOf(500, 1000)));

        assertThat(fit.calls).isEqualTo(500);
    }

    @Test
    void tiesAreBrokenAtRandomAmongTheBestOnly() {
        Plugin.Score table = scoring("Table", Map.of("a", 50L, "b", 50L, "c", 50L, "d", 10L));
        Framework f = framework(List.of(table), Map.of());
        Snapshot four = snapshot(NodeInfo.of(node("a", 1)), NodeInfo.of(node("b", 1)), NodeInfo.of(node("c", 1)),
                NodeInfo.of(node("d", 1)));
        Map<String, Integer> chosen = new HashMap<>();

        for (int i = 0; i < 600; i++) {
            chosen.merge(f.schedule(pod("p", 0), four).node(), 1, Integer::sum);
        }

        assertThat(chosen).containsOnlyKeys("a", "b", "c");
        assertThat(chosen.values()).allMatch(n -> n > 150);   // about 200 each
    }

    @Test
    void oneFeasibleNodeIsChosenWithoutScoring() {
        int[] scored = {0};
        Plugin.Score counting = new Plugin.Score() {
            @Override
            public String name() {
                return "Counting";
            }

            @Override
            public long score(CycleState state, Pod pod, NodeInfo node) {
                scored[0]++;
                return 0;
            }
        };
        Framework f = framework(List.of(new Fakes.FakeResourceFit(), counting), Map.of());

        Framework.ScheduleResult result = f.schedule(pod("p", 1500), snapshot(NodeInfo.of(node("small", 1000)),
                NodeInfo.of(node("large", 2000))));

        assertThat(result).isEqualTo(new Framework.ScheduleResult("large", 2, 1));
        assertThat(scored[0]).isZero();
    }

    @Test
    void aFilterErrorFailsTheCycleInsteadOfRejectingTheNode() {
        Plugin.Filter broken = new Plugin.Filter() {
            @Override
            public String name() {
                return "Broken";
            }

            @Override
            public Status filter(CycleState state, Pod pod, NodeInfo node) {
                return Status.error("disk on fire");
            }
        };

        assertThatThrownBy(() -> framework(List.of(broken), Map.of()).schedule(pod("p", 0), snapshotOf(2, 1)))
                .isInstanceOf(IllegalStateException.class).isNotInstanceOf(FitError.class)
                .hasMessageContaining("Broken").hasMessageContaining("disk on fire");
    }

    @Test
    void aFailedReserveUndoesTheReservesBeforeIt() {
        List<String> log = new ArrayList<>();
        class Reserving implements Plugin.Reserve {
            final String name;
            final boolean ok;

            Reserving(String name, boolean ok) {
                this.name = name;
                this.ok = ok;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public Status reserve(CycleState state, Pod pod, String nodeName) {
                log.add("reserve " + name);
                return ok ? Status.SUCCESS : Status.unschedulable("volume gone");
            }

            @Override
            public void unreserve(CycleState state, Pod pod, String nodeName) {
                log.add("unreserve " + name);
            }
        }
        Framework f = framework(List.of(new Reserving("one", true), new Reserving("two", false)), Map.of());

        Status status = f.reserve(new CycleState(), pod("p", 0), "a");

        assertThat(status.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
        assertThat(status.plugin()).isEqualTo("two");
        assertThat(log).containsExactly("reserve one", "reserve two", "unreserve two", "unreserve one");
    }
}
