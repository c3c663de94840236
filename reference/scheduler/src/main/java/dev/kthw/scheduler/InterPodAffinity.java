package dev.kthw.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.scheduler.Affinity.PodAffinity;
import dev.kthw.scheduler.Affinity.PodAffinityTerm;
import dev.kthw.scheduler.Affinity.WeightedPodAffinityTerm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pods placed by where other pods are: "next to the cache" (affinity), "not two replicas in
 * one zone" (anti-affinity). A term names pods (a label selector, in some namespaces) and a
 * {@code topologyKey}: nodes with the same value of that label are one place (one host for
 * {@code kubernetes.io/hostname}, one zone for {@code topology.kubernetes.io/zone}).
 *
 * <p>Filter, three rules, in this order and with these reasons:
 * <ol>
 * <li>the pod's required affinity: for every term, the node's place must already hold a
 *     pod matching ALL the terms ("node(s) didn't match pod affinity rules", unresolvable).
 *     Exception: when no pod anywhere matches and the pod matches its own terms, it is the
 *     first of its group and may go anywhere that has the topology labels;</li>
 * <li>the pod's required anti-affinity: no pod matching a term in the node's place ("node(s)
 *     didn't match pod anti-affinity rules");</li>
 * <li>symmetry: no pod already placed has a required anti-affinity term that matches this
 *     pod, in the node's place for that term ("node(s) didn't satisfy existing pods
 *     anti-affinity rules"). Rules 2 and 3 are UNSCHEDULABLE: evicting the pods in the way
 *     helps (preemption).</li>
 * </ol>
 *
 * <p>Cost: a naive Filter compares every pod with every node: 10,000 pods x 1,000 nodes per
 * pod scheduled. Instead PreFilter walks the snapshot's pods once and counts the matches by
 * topology pair (key, value); Filter then looks up the node's pairs, O(terms) per node. Only
 * nodes holding pods with affinity terms ({@link Snapshot#nodesWithAffinityPods}) are
 * visited for rule 3, and none at all for a pod without required terms.
 *
 * <p>Score (PreScore walks the pods once more, adding weights by topology pair): +weight for
 * each of the pod's preferred affinity terms an existing pod matches, -weight for preferred
 * anti-affinity, and, from the existing pods' side, +weight / -weight for their preferred
 * terms that match the incoming pod and +hardPodAffinityWeight (args, default 1) for their
 * required affinity terms that match it. A node scores the sum over its pairs; scores are
 * then scaled so the lowest is 0 and the highest 100.
 *
 * <p>Namespaces of a term: its {@code namespaces} list, plus every namespace when
 * {@code namespaceSelector} is empty ({}); no list and no selector means the namespace of the
 * pod that carries the term. A namespaceSelector with labels is not supported (it would need
 * the Namespace objects, which the snapshot does not hold): it adds no namespace.
 */
public final class InterPodAffinity implements Plugin.PreFilter, Plugin.Filter, Plugin.PreScore, Plugin.Score {

    public static final String NAME = "InterPodAffinity";
    public static final String AFFINITY_REASON = "node(s) didn't match pod affinity rules";
    public static final String ANTI_AFFINITY_REASON = "node(s) didn't match pod anti-affinity rules";
    public static final String EXISTING_ANTI_AFFINITY_REASON = "node(s) didn't satisfy existing pods anti-affinity rules";
    private static final String PRE_FILTER_KEY = "PreFilter" + NAME;
    private static final String PRE_SCORE_KEY = "PreScore" + NAME;

    private final long hardPodAffinityWeight;
    private final boolean ignorePreferredTermsOfExistingPods;

    public InterPodAffinity() {
        this(1, false);
    }

    public InterPodAffinity(long hardPodAffinityWeight, boolean ignorePreferredTermsOfExistingPods) {
        if (hardPodAffinityWeight < 0 || hardPodAffinityWeight > 100) {
            throw new IllegalArgumentException(NAME + ": hardPodAffinityWeight must be in 0..100");
        }
        this.hardPodAffinityWeight = hardPodAffinityWeight;
        this.ignorePreferredTermsOfExistingPods = ignorePreferredTermsOfExistingPods;
    }

    /** From InterPodAffinityArgs: {@code hardPodAffinityWeight}, {@code ignorePreferredTermsOfExistingPods}. */
    public static InterPodAffinity fromArgs(JsonNode args) {
        if (args == null || args.isNull()) {
            return new InterPodAffinity();
        }
        return new InterPodAffinity(args.path("hardPodAffinityWeight").asLong(1),
                args.path("ignorePreferredTermsOfExistingPods").asBoolean(false));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** What PreFilter found, read by every node's Filter; never changed after PreFilter. */
    private record FilterState(List<PodAffinityTerm> affinity, List<PodAffinityTerm> antiAffinity,
            TopologyCounts affinityCounts, TopologyCounts antiAffinityCounts, TopologyCounts existingAntiAffinity) {
    }

    @Override
    public Status preFilter(CycleState state, Pod pod, Snapshot snapshot) {
        List<PodAffinityTerm> affinity = required(pod.affinity().podAffinity());
        List<PodAffinityTerm> antiAffinity = required(pod.affinity().podAntiAffinity());

        // Rule 3: the anti-affinity terms of pods already placed that match this pod.
        TopologyCounts existingAntiAffinity = new TopologyCounts();
        for (NodeInfo node : snapshot.nodesWithAffinityPods()) {
            for (Pod existing : node.podsWithAffinity()) {
                for (PodAffinityTerm term : required(existing.affinity().podAntiAffinity())) {
                    if (termMatches(term, existing.namespace(), pod)) {
                        existingAntiAffinity.add(node.node(), term.topologyKey(), 1);
                    }
                }
            }
        }

        // Rules 1 and 2: the pods already placed that match this pod's terms, by place.
        TopologyCounts affinityCounts = new TopologyCounts();
        TopologyCounts antiAffinityCounts = new TopologyCounts();
        if (!affinity.isEmpty() || !antiAffinity.isEmpty()) {
            for (NodeInfo node : snapshot.nodes()) {
                for (Pod existing : node.pods()) {
                    // An affinity match means matching every term: the terms describe one group.
                    if (!affinity.isEmpty() && matchesAll(affinity, pod.namespace(), existing)) {
                        for (PodAffinityTerm term : affinity) {
                            affinityCounts.add(node.node(), term.topologyKey(), 1);
                        }
                    }
                    for (PodAffinityTerm term : antiAffinity) {
                        if (termMatches(term, pod.namespace(), existing)) {
                            antiAffinityCounts.add(node.node(), term.topologyKey(), 1);
                        }
                    }
                }
            }
        }
        state.put(PRE_FILTER_KEY, new FilterState(affinity, antiAffinity, affinityCounts, antiAffinityCounts,
                existingAntiAffinity));
        if (affinity.isEmpty() && antiAffinity.isEmpty() && existingAntiAffinity.isEmpty()) {
            return Status.SKIP;
        }
        return Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        FilterState s = state.get(PRE_FILTER_KEY);
        if (s == null) {
            return Status.error(NAME + ": PreFilter has not run for pod " + pod.key());
        }
        Map<String, String> labels = node.node().labels();
        if (!satisfiesAffinity(s, pod, labels)) {
            return Status.unresolvable(AFFINITY_REASON);
        }
        for (PodAffinityTerm term : s.antiAffinity()) {
            String place = labels.get(term.topologyKey());
            if (place != null && s.antiAffinityCounts().get(term.topologyKey(), place) > 0) {
                return Status.unschedulable(ANTI_AFFINITY_REASON);
            }
        }
        if (!s.existingAntiAffinity().isEmpty()) {
            // Any of the node's labels may be the topology key of some existing pod's term.
            for (Map.Entry<String, String> label : labels.entrySet()) {
                if (s.existingAntiAffinity().get(label.getKey(), label.getValue()) > 0) {
                    return Status.unschedulable(EXISTING_ANTI_AFFINITY_REASON);
                }
            }
        }
        return Status.SUCCESS;
    }

    private static boolean satisfiesAffinity(FilterState s, Pod pod, Map<String, String> labels) {
        boolean podsThere = true;
        for (PodAffinityTerm term : s.affinity()) {
            String place = labels.get(term.topologyKey());
            if (place == null) {
                return false;
            }
            if (s.affinityCounts().get(term.topologyKey(), place) <= 0) {
                podsThere = false;
            }
        }
        // The first pod of a group that wants to be with its own kind has nobody to join.
        return podsThere || (s.affinityCounts().isEmpty() && matchesAll(s.affinity(), pod.namespace(), pod));
    }

    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible, Snapshot snapshot) {
        List<WeightedPodAffinityTerm> preferredAffinity = preferred(pod.affinity().podAffinity());
        List<WeightedPodAffinityTerm> preferredAnti = preferred(pod.affinity().podAntiAffinity());
        boolean podHasPreferred = !preferredAffinity.isEmpty() || !preferredAnti.isEmpty();
        TopologyCounts scores = new TopologyCounts();
        state.put(PRE_SCORE_KEY, scores);
        if (ignorePreferredTermsOfExistingPods && !podHasPreferred) {
            return Status.SKIP;
        }
        // Without preferred terms of its own, only the terms of the pods already placed count.
        for (NodeInfo node : podHasPreferred ? snapshot.nodes() : snapshot.nodesWithAffinityPods()) {
            Node where = node.node();
            if (where.labels().isEmpty()) {
                continue;
            }
            for (Pod existing : podHasPreferred ? node.pods() : node.podsWithAffinity()) {
                addWeights(scores, preferredAffinity, pod.namespace(), existing, where, 1);
                addWeights(scores, preferredAnti, pod.namespace(), existing, where, -1);
                if (!NodeInfo.hasPodAffinity(existing)) {
                    continue;
                }
                if (hardPodAffinityWeight > 0) {
                    for (PodAffinityTerm term : required(existing.affinity().podAffinity())) {
                        if (termMatches(term, existing.namespace(), pod)) {
                            scores.add(where, term.topologyKey(), hardPodAffinityWeight);
                        }
                    }
                }
                addWeights(scores, preferred(existing.affinity().podAffinity()), existing.namespace(), pod, where, 1);
                addWeights(scores, preferred(existing.affinity().podAntiAffinity()), existing.namespace(), pod, where, -1);
            }
        }
        return scores.isEmpty() ? Status.SKIP : Status.SUCCESS;
    }

    /** For each term (of a pod in namespace {@code owner}) that {@code target} matches: ±weight at {@code where}. */
    private static void addWeights(TopologyCounts scores, List<WeightedPodAffinityTerm> terms, String owner,
            Pod target, Node where, int sign) {
        for (WeightedPodAffinityTerm w : terms) {
            if (w.podAffinityTerm() != null && termMatches(w.podAffinityTerm(), owner, target)) {
                scores.add(where, w.podAffinityTerm().topologyKey(), sign * (long) w.weight());
            }
        }
    }

    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        TopologyCounts scores = state.get(PRE_SCORE_KEY);
        return scores == null ? 0 : scores.sumFor(node.node().labels());
    }

    /** Scores may be negative: the lowest becomes 0, the highest 100 (all 0 when they are equal). */
    @Override
    public void normalize(CycleState state, Pod pod, Map<String, Long> scores) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long score : scores.values()) {
            min = Math.min(min, score);
            max = Math.max(max, score);
        }
        long low = min;
        long range = max - min;
        scores.replaceAll((node, score) -> range > 0 ? (long) (MAX_SCORE * ((double) (score - low) / range)) : 0);
    }

    /** Does {@code candidate} match a term carried by a pod in namespace {@code owner}? */
    static boolean termMatches(PodAffinityTerm term, String owner, Pod candidate) {
        if (term.labelSelector() == null || !inNamespaces(term, owner, candidate.namespace())) {
            return false;
        }
        return term.labelSelector().matches(candidate.labels());
    }

    private static boolean inNamespaces(PodAffinityTerm term, String owner, String namespace) {
        if (term.namespaces().isEmpty() && term.namespaceSelector() == null) {
            return namespace.equals(owner);
        }
        if (term.namespaces().contains(namespace)) {
            return true;
        }
        // {} selects every namespace; a selector with labels would need Namespace objects.
        return term.namespaceSelector() != null && term.namespaceSelector().isEmpty();
    }

    private static boolean matchesAll(List<PodAffinityTerm> terms, String owner, Pod candidate) {
        if (terms.isEmpty()) {
            return false;
        }
        for (PodAffinityTerm term : terms) {
            if (!termMatches(term, owner, candidate)) {
                return false;
            }
        }
        return true;
    }

    private static List<PodAffinityTerm> required(PodAffinity affinity) {
        return affinity == null ? List.of() : affinity.requiredDuringSchedulingIgnoredDuringExecution();
    }

    private static List<WeightedPodAffinityTerm> preferred(PodAffinity affinity) {
        return affinity == null ? List.of() : affinity.preferredDuringSchedulingIgnoredDuringExecution();
    }

    /**
     * Numbers by topology pair: key ({@code kubernetes.io/hostname}) → value (the node's value
     * for it) → count or weight. Filled by one thread in PreFilter or PreScore, then only read.
     */
    static final class TopologyCounts {
        private final Map<String, Map<String, Long>> byKey = new HashMap<>();

        /** Adds n at the node's place for this key; a node without the key is in no place. */
        void add(Node node, String key, long n) {
            String value = node.labels().get(key);
            if (value != null) {
                byKey.computeIfAbsent(key, k -> new HashMap<>()).merge(value, n, Long::sum);
            }
        }

        long get(String key, String value) {
            Map<String, Long> values = byKey.get(key);
            if (values == null) {
                return 0;
            }
            Long n = values.get(value);
            return n == null ? 0 : n;
        }

        /** The sum over every key this holds of the count at the node's value for it. */
        long sumFor(Map<String, String> labels) {
            long sum = 0;
            for (Map.Entry<String, Map<String, Long>> key : byKey.entrySet()) {
                String value = labels.get(key.getKey());
                if (value != null) {
                    sum += key.getValue().getOrDefault(value, 0L);
                }
            }
            return sum;
        }

        boolean isEmpty() {
            return byKey.isEmpty();
        }
    }
}
