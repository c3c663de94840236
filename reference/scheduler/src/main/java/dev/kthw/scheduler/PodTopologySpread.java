package dev.kthw.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.api.LabelSelector;
import dev.kthw.scheduler.Affinity.TopologySpreadConstraint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spreads a group of pods (those a constraint's labelSelector matches, in the pod's
 * namespace) evenly over the domains of a topology key: zones, hosts.
 *
 * <p>A domain is one value of the key among the eligible nodes: nodes the pod's
 * nodeSelector and required node affinity accept (kube's default nodeAffinityPolicy,
 * Honor) and that carry every key of the pod's constraints. Taints do not make a node
 * ineligible (the default nodeTaintsPolicy, Ignore).
 *
 * <p>Filter, for each {@code whenUnsatisfiable: DoNotSchedule} constraint: placing the pod
 * in the node's domain must keep
 * {@code skew = matching pods in that domain + 1 (if the pod matches itself) - the fewest
 * matching pods in any domain <= maxSkew}. With {@code minDomains} set and fewer domains
 * than that, the fewest is taken as 0, so the pods keep spreading to domains still to come.
 * A node without the key is in no domain: "node(s) didn't match pod topology spread
 * constraints (missing required label)", unresolvable; too much skew is "node(s) didn't
 * match pod topology spread constraints", unschedulable (evicting pods lowers the count).
 * PreFilter counts the matching pods per domain in one walk over the snapshot; Filter is
 * O(constraints) per node.
 *
 * <p>Score, for the {@code ScheduleAnyway} constraints: each counts the matching pods in the
 * node's domain, times log(number of domains + 2) so that a key with many small domains
 * (hosts) does not drown one with a few large ones (zones), plus maxSkew - 1. Fewer is
 * better: normalize maps the lowest to 100. Domains here are those of the nodes that passed
 * filtering; a feasible node missing a key is ignored (score 0).
 *
 * <p>Simpler than kube-scheduler: no cluster default constraints for pods without any
 * (kube's defaultingType System derives a selector from the pod's Services and
 * ReplicaSets, which the scheduler here does not watch; the {@code defaultConstraints}
 * arg is refused); no nodeAffinityPolicy,
 * nodeTaintsPolicy or matchLabelKeys fields (their defaults apply).
 */
public final class PodTopologySpread implements Plugin.PreFilter, Plugin.Filter, Plugin.PreScore, Plugin.Score {

    public static final String NAME = "PodTopologySpread";
    public static final String REASON = "node(s) didn't match pod topology spread constraints";
    public static final String MISSING_LABEL_REASON = REASON + " (missing required label)";
    private static final String PRE_FILTER_KEY = "PreFilter" + NAME;
    private static final String PRE_SCORE_KEY = "PreScore" + NAME;

    /** From PodTopologySpreadArgs; {@code defaultConstraints} are refused rather than silently ignored. */
    public static PodTopologySpread fromArgs(JsonNode args) {
        JsonNode defaults = args == null ? null : args.get("defaultConstraints");
        if (defaults != null && defaults.isArray() && !defaults.isEmpty()) {
            throw new IllegalArgumentException(NAME + ": defaultConstraints are not supported by kthw");
        }
        return new PodTopologySpread();
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Matching pods per domain, one map per constraint (domain value → count), and the
     * smallest count of each. Built in PreFilter, only read afterwards.
     */
    private record FilterState(List<TopologySpreadConstraint> constraints, List<Map<String, Integer>> counts,
            List<Integer> fewest) {
    }

    @Override
    public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
        List<TopologySpreadConstraint> constraints = constraints(pod, false);
        if (constraints.isEmpty()) {
            state.put(PRE_FILTER_KEY, new FilterState(List.of(), List.of(), List.of()));
            return Status.SKIP;
        }
        List<Map<String, Integer>> counts = new ArrayList<>();
        constraints.forEach(c -> counts.add(new HashMap<>()));
        for (NodeInfo node : snapshot.nodes()) {
            if (!eligible(pod, node.node(), constraints)) {
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                TopologySpreadConstraint c = constraints.get(i);
                counts.get(i).merge(node.node().labels().get(c.topologyKey()),
                        countMatching(node, c.labelSelector(), pod.namespace()), Integer::sum);
            }
        }
        List<Integer> fewest = new ArrayList<>();
        for (Map<String, Integer> domains : counts) {
            fewest.add(domains.values().stream().mapToInt(Integer::intValue).min().orElse(0));
        }
        state.put(PRE_FILTER_KEY, new FilterState(constraints, counts, fewest));
        return Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        FilterState s = state.get(PRE_FILTER_KEY);
        if (s == null) {
            return Status.error(NAME + ": PreFilter has not run for pod " + pod.key());
        }
        // tag::skew[]
        for (int i = 0; i < s.constraints().size(); i++) {
            TopologySpreadConstraint c = s.constraints().get(i);
            String domain = node.node().labels().get(c.topologyKey());
            if (domain == null) {
                return Status.unresolvable(MISSING_LABEL_REASON);
            }
            Map<String, Integer> domains = s.counts().get(i);
            int fewest = s.fewest().get(i);
            if (c.minDomains() != null && domains.size() < c.minDomains()) {
                fewest = 0;
            }
            int self = selects(c.labelSelector(), pod) ? 1 : 0;
            int skew = domains.getOrDefault(domain, 0) + self - fewest;
            if (skew > c.maxSkew()) {
                return Status.unschedulable(REASON);
            }
        }
        return Status.SUCCESS;
        // end::skew[]
    }

    /** What PreScore found: per soft constraint, matching pods per domain and the domain weight. */
    private record ScoreState(List<TopologySpreadConstraint> constraints, List<Map<String, Integer>> counts,
            List<Double> weights, Set<String> ignored) {
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible, Snapshot snapshot) {
        List<TopologySpreadConstraint> constraints = constraints(pod, true);
        if (constraints.isEmpty()) {
            return Status.SKIP;
        }
        // The domains that count are those of the nodes the pod could go to.
        Set<String> ignored = new HashSet<>();
        List<Map<String, Integer>> counts = new ArrayList<>();
        constraints.forEach(c -> counts.add(new HashMap<>()));
        for (NodeInfo node : feasible) {
            if (!hasKeys(node.node(), constraints)) {
                ignored.add(node.name());
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                counts.get(i).put(node.node().labels().get(constraints.get(i).topologyKey()), 0);
            }
        }
        List<Double> weights = new ArrayList<>();
        for (Map<String, Integer> domains : counts) {
            weights.add(Math.log(domains.size() + 2));
        }
        // The pods that count are on any eligible node in those domains, feasible or not.
        for (NodeInfo node : snapshot.nodes()) {
            if (!eligible(pod, node.node(), constraints)) {
                continue;
            }
            for (int i = 0; i < constraints.size(); i++) {
                TopologySpreadConstraint c = constraints.get(i);
                String domain = node.node().labels().get(c.topologyKey());
                if (counts.get(i).containsKey(domain)) {
                    counts.get(i).merge(domain, countMatching(node, c.labelSelector(), pod.namespace()), Integer::sum);
                }
            }
        }
        state.put(PRE_SCORE_KEY, new ScoreState(constraints, counts, weights, ignored));
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        ScoreState s = state.get(PRE_SCORE_KEY);
        if (s == null || s.ignored().contains(node.name())) {
            return 0;
        }
        double score = 0;
        for (int i = 0; i < s.constraints().size(); i++) {
            TopologySpreadConstraint c = s.constraints().get(i);
            String domain = node.node().labels().get(c.topologyKey());
            int matching = s.counts().get(i).getOrDefault(domain, 0);
            score += matching * s.weights().get(i) + (c.maxSkew() - 1);
        }
        return Math.round(score);
    }

    /** Fewer matching pods is better: the lowest raw score gets 100; ignored nodes get 0. */
    @Override
    public void normalize(CycleState state, Pod pod, Map<String, Long> scores) {
        ScoreState s = state.get(PRE_SCORE_KEY);
        Set<String> ignored = s == null ? Set.of() : s.ignored();
        long min = Long.MAX_VALUE;
        long max = 0;
        for (Map.Entry<String, Long> e : scores.entrySet()) {
            if (!ignored.contains(e.getKey())) {
                min = Math.min(min, e.getValue());
                max = Math.max(max, e.getValue());
            }
        }
        long low = min;
        long high = max;
        scores.replaceAll((node, score) -> {
            if (ignored.contains(node)) {
                return 0L;
            }
            return high == 0 ? MAX_SCORE : MAX_SCORE * (high + low - score) / high;
        });
    }

    /** The pod's constraints of one kind: ScheduleAnyway (soft) or DoNotSchedule (hard). */
    private static List<TopologySpreadConstraint> constraints(Pod pod, boolean soft) {
        List<TopologySpreadConstraint> kept = new ArrayList<>();
        for (TopologySpreadConstraint c : pod.topologySpreadConstraints()) {
            if ("ScheduleAnyway".equals(c.whenUnsatisfiable()) == soft) {
                kept.add(c);
            }
        }
        return List.copyOf(kept);
    }

    /** A node whose pods count: the pod's node affinity accepts it and it has every key. */
    private static boolean eligible(Pod pod, Node node, List<TopologySpreadConstraint> constraints) {
        return hasKeys(node, constraints) && (!NodeAffinity.hasRequired(pod) || NodeAffinity.requiredMatches(pod, node));
    }

    private static boolean hasKeys(Node node, List<TopologySpreadConstraint> constraints) {
        for (TopologySpreadConstraint c : constraints) {
            if (!node.labels().containsKey(c.topologyKey())) {
                return false;
            }
        }
        return true;
    }

    /** Pods on the node in the namespace that the selector matches; terminating pods do not count. */
    private static int countMatching(NodeInfo node, LabelSelector selector, String namespace) {
        if (selector == null) {
            return 0;
        }
        int n = 0;
        for (Pod p : node.pods()) {
            if (!p.terminating() && p.namespace().equals(namespace) && selector.matches(p.labels())) {
                n++;
            }
        }
        return n;
    }

    /** A missing selector selects no pod, as in Kubernetes. */
    private static boolean selects(LabelSelector selector, Pod pod) {
        return selector != null && selector.matches(pod.labels());
    }
}
