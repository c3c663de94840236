package dev.kthw.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * Does the pod's request fit in what the node has left, and how full would the node be?
 *
 * <p>Filter: the pod's requests (cpu, memory, and one pod) plus what the pods already on
 * the node request must stay within the node's allocatable. Requests, not usage: the
 * scheduler books capacity, it does not measure it. A pod that requests nothing always
 * fits, except for the pod count. Reasons as kube-scheduler words them: "Insufficient cpu",
 * "Insufficient memory", "Too many pods" ({@link Resources#insufficient}); the code is
 * UNSCHEDULABLE, because evicting pods can free the room (preemption).
 *
 * <p>Score, by the strategy in the plugin's args ({@code scoringStrategy.type}):
 * LeastAllocated (the default) prefers emptier nodes, spreading pods; MostAllocated prefers
 * fuller ones, packing them so that whole nodes stay free. Per resource, on 0..100, then
 * averaged with the resources' weights (cpu 1, memory 1 by default). For scoring only, a
 * pod that requests no cpu counts as 100m and one that requests no memory as 200Mi
 * ({@link #nonZero}), else ten best-effort pods would all look free and pile onto one node.
 *
 * <p>Simpler than kube-scheduler: the non-zero defaults apply to the pod's total, not to
 * each container; only cpu and memory (no extended resources, no ephemeral storage); the
 * RequestedToCapacityRatio strategy is left out.
 */
public final class NodeResourcesFit implements Plugin.PreFilter, Plugin.Filter, Plugin.Score {

    public static final String NAME = "NodeResourcesFit";
    /** What a pod requesting no cpu counts as when scoring (kube's DefaultMilliCPURequest). */
    public static final long DEFAULT_MILLI_CPU_REQUEST = 100;
    /** What a pod requesting no memory counts as when scoring (kube's DefaultMemoryRequest). */
    public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;
    private static final String PRE_FILTER_KEY = "PreFilter" + NAME;

    /** How to score a node by what would be requested on it. */
    public enum Strategy { LeastAllocated, MostAllocated }

    private final Strategy strategy;
    private final long cpuWeight;
    private final long memoryWeight;

    /** LeastAllocated, cpu and memory weighing 1 each: kube-scheduler's default. */
    public NodeResourcesFit() {
        this(Strategy.LeastAllocated, 1, 1);
    }

    public NodeResourcesFit(Strategy strategy, long cpuWeight, long memoryWeight) {
        if (cpuWeight < 0 || memoryWeight < 0 || cpuWeight + memoryWeight == 0) {
            throw new IllegalArgumentException(NAME + ": resource weights must be positive");
        }
        this.strategy = Objects.requireNonNull(strategy);
        this.cpuWeight = cpuWeight;
        this.memoryWeight = memoryWeight;
    }

    /**
     * From NodeResourcesFitArgs: {@code {"scoringStrategy": {"type": "MostAllocated",
     * "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]}}}.
     * Missing parts take the defaults; a resource not listed is not scored.
     */
    public static NodeResourcesFit fromArgs(JsonNode args) {
        JsonNode scoring = args == null ? null : args.get("scoringStrategy");
        if (scoring == null || scoring.isNull()) {
            return new NodeResourcesFit();
        }
        String type = scoring.path("type").asText("LeastAllocated");
        Strategy strategy;
        try {
            strategy = Strategy.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(NAME + ": scoringStrategy.type \"" + type
                    + "\" is not supported (LeastAllocated or MostAllocated)");
        }
        JsonNode resources = scoring.get("resources");
        if (resources == null || !resources.isArray()) {
            return new NodeResourcesFit(strategy, 1, 1);
        }
        long cpu = 0;
        long memory = 0;
        for (JsonNode r : resources) {
            String name = r.path("name").asText();
            long weight = r.path("weight").asLong(1);
            if (name.equals("cpu")) {
                cpu = weight;
            } else if (name.equals("memory")) {
                memory = weight;
            } else {
                throw new IllegalArgumentException(NAME + ": scoring resource \"" + name
                        + "\" is not supported (kthw counts cpu and memory)");
            }
        }
        return new NodeResourcesFit(strategy, cpu, memory);
    }

    public Strategy strategy() {
        return strategy;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The pod's request, computed once ({@link Pod#requests}) for every node's Filter. */
    @Override
    public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
        state.put(PRE_FILTER_KEY, pod.requests());
        return Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        // tag::lab-ch03-resources-fit[]
        // lab: Take the pod's request from the state (PRE_FILTER_KEY; pod.requests() if
        // lab: PreFilter did not run). Resources.insufficient compares it, plus what the node's
        // lab: pods already request, with the node's allocatable and says why it does not fit.
        // lab: No reason: SUCCESS. Otherwise UNSCHEDULABLE (not unresolvable: preemption can
        // lab: free resources) with all the reasons, e.g. "Insufficient cpu".
        Resources request = state.get(PRE_FILTER_KEY);
        if (request == null) {
            request = pod.requests();
        }
        List<String> reasons = Resources.insufficient(request, node.requested(), node.node().allocatable());
        if (reasons.isEmpty()) {
            return Status.SUCCESS;
        }
        return Status.unschedulable(reasons.toArray(new String[0]));
        // end::lab-ch03-resources-fit[]
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        // tag::lab-ch03-resources-score[]
        // lab: For cpu and for memory: requested = node.nonZeroRequested() + nonZero(pod's
        // lab: requests); capacity = the node's allocatable. Skip a resource with capacity 0.
        // lab: LeastAllocated: (capacity - requested) * 100 / capacity, 0 if requested > capacity;
        // lab: MostAllocated: min(requested, capacity) * 100 / capacity. Return the weighted
        // lab: average (cpuWeight, memoryWeight) in integer arithmetic; 0 if nothing was scored.
        Resources onNode = node.nonZeroRequested().plus(nonZero(pod.requests()));
        Resources allocatable = node.node().allocatable();
        long[] requested = {onNode.milliCpu(), onNode.memory()};
        long[] capacity = {allocatable.milliCpu(), allocatable.memory()};
        long[] weights = {cpuWeight, memoryWeight};
        long sum = 0;
        long weightSum = 0;
        for (int i = 0; i < requested.length; i++) {
            if (capacity[i] == 0 || weights[i] == 0) {
                continue;
            }
            long score;
            if (strategy == Strategy.MostAllocated) {
                score = Math.min(requested[i], capacity[i]) * MAX_SCORE / capacity[i];
            } else {
                score = requested[i] > capacity[i] ? 0 : (capacity[i] - requested[i]) * MAX_SCORE / capacity[i];
            }
            sum += score * weights[i];
            weightSum += weights[i];
        }
        return weightSum == 0 ? 0 : sum / weightSum;
        // end::lab-ch03-resources-score[]
    }

    /** A request as scoring counts it: no cpu is 100m, no memory is 200Mi. */
    public static Resources nonZero(Resources request) {
        return new Resources(
                request.milliCpu() == 0 ? DEFAULT_MILLI_CPU_REQUEST : request.milliCpu(),
                request.memory() == 0 ? DEFAULT_MEMORY_REQUEST : request.memory(),
                request.pods());
    }
}
