package dev.kthw.scheduler;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Preemption, kube-scheduler's DefaultPreemption PostFilter: a pod that fits nowhere may
 * evict pods of lower priority to make room. For each node where that could help:
 *
 * <ol>
 * <li>take away every pod of lower priority than the preemptor and check that it fits
 *     now (re-running the profile's PreFilter and Filter on a what-if snapshot);</li>
 * <li>give the pods back, the most important first, keeping each one that still leaves
 *     room: the rest are the victims, as few and as unimportant as possible.</li>
 * </ol>
 *
 * Of the nodes that work, the one to preempt on has the least important highest victim,
 * then the smallest sum of victim priorities, then the fewest victims, then the most
 * recently started victims. That node is the pod's nominated node; the victims are left
 * in the cycle state ({@link #chosen}) for the Scheduler, which deletes them through the
 * API, writes status.nominatedNodeName and requeues the pod: it fits once they are gone.
 *
 * <p>Only nodes rejected as UNSCHEDULABLE are tried: UNSCHEDULABLE_AND_UNRESOLVABLE means
 * no eviction can help (a taint, a node selector). Pods with {@code preemptionPolicy:
 * Never} wait instead. While pods this plugin evicted are still terminating on the node it
 * nominated, the preemptor does not preempt again (it would only pick more victims).
 *
 * <p>Simpler than kube-scheduler: PodDisruptionBudgets are not consulted (kube prefers
 * candidates that violate none); pods nominated to a node are not counted there while
 * filtering; the nominated nodes remembered here live in this process only (kube reads
 * them back from status.nominatedNodeName).
 */
public final class DefaultPreemption implements Plugin.PostFilter {

    public static final String NAME = "DefaultPreemption";
    /** kube-scheduler's defaults: dry-run preemption on at least 10% of nodes, and at least 100. */
    static final int MIN_CANDIDATE_NODES_PERCENTAGE = 10;
    static final int MIN_CANDIDATE_NODES_ABSOLUTE = 100;

    private static final String CHOSEN = NAME + "/chosen";

    /** A node where the preemptor fits once these pods are gone (most important first). */
    public record Candidate(String node, List<Pod> victims) {
        public Candidate {
            victims = List.copyOf(victims);
        }
    }

    private final Framework profile;
    private final RandomGenerator random;
    /** Preemptor pod key → the node it last nominated; written by the scheduling thread. */
    private final Map<String, String> nominated = new ConcurrentHashMap<>();

    /**
     * @param profile the profile whose PreFilter and Filter plugins decide whether the pod fits
     *                (without this plugin: preemption does not preempt recursively)
     */
    public DefaultPreemption(Framework profile, RandomGenerator random) {
        this.profile = requireNonNull(profile, "profile");
        this.random = requireNonNull(random, "random");
    }

    public DefaultPreemption(Framework profile) {
        this(profile, new Random());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** What the last successful postFilter in this cycle chose, or null. */
    public static Candidate chosen(CycleState state) {
        return state.get(CHOSEN);
    }

    /** The pod was bound or deleted: its nomination is no longer needed. */
    public void forget(String podKey) {
        nominated.remove(podKey);
    }

    @Override
    public PostFilterResult postFilter(CycleState state, Pod pod, Snapshot snapshot, Map<String, Status> rejections) {
        String notEligible = notEligible(pod, snapshot);
        if (notEligible != null) {
            return new PostFilterResult("", Status.unschedulable("preemption: " + notEligible));
        }
        Map<String, Status> outcome = new HashMap<>();
        List<NodeInfo> potential = new ArrayList<>();
        for (NodeInfo node : snapshot.nodes()) {
            Status rejection = rejections.get(node.name());
            if (rejection != null && rejection.code() == Status.Code.UNSCHEDULABLE) {
                potential.add(node);
            } else {
                outcome.put(node.name(), Status.unresolvable("Preemption is not helpful for scheduling"));
            }
        }
        List<Candidate> candidates = dryRun(pod, snapshot, potential, outcome);
        if (candidates.isEmpty()) {
            return new PostFilterResult("", Status.unschedulable("preemption: "
                    + FitError.message(outcome.size(), outcome.values(), "", "")));
        }
        Candidate best = pickOne(candidates);
        state.put(CHOSEN, best);
        nominated.put(pod.key(), best.node());
        return new PostFilterResult(best.node(), Status.SUCCESS);
    }

    /** Why this pod may not preempt, in kube-scheduler's words; null if it may. */
    private String notEligible(Pod pod, Snapshot snapshot) {
        if ("Never".equals(pod.preemptionPolicy())) {
            return "not eligible due to preemptionPolicy=Never.";
        }
        NodeInfo last = snapshot.get(nominated.getOrDefault(pod.key(), ""));
        if (last != null) {
            for (Pod p : last.pods()) {
                if (p.terminating() && p.priority() < pod.priority()) {
                    return "not eligible due to a terminating pod on the nominated node.";
                }
            }
        }
        return null;
    }

    /**
     * Finds victims on the potential nodes, starting at a random one, until enough
     * candidates are found (10% of the nodes, at least 100). Nodes that fail say why in outcome.
     */
    private List<Candidate> dryRun(Pod pod, Snapshot snapshot, List<NodeInfo> potential, Map<String, Status> outcome) {
        List<Candidate> candidates = new ArrayList<>();
        if (potential.isEmpty()) {
            return candidates;
        }
        int wanted = Math.min(potential.size(),
                Math.max(potential.size() * MIN_CANDIDATE_NODES_PERCENTAGE / 100, MIN_CANDIDATE_NODES_ABSOLUTE));
        int offset = random.nextInt(potential.size());
        for (int i = 0; i < potential.size() && candidates.size() < wanted; i++) {
            NodeInfo node = potential.get((offset + i) % potential.size());
            List<Pod> victims = new ArrayList<>();
            Status status = selectVictimsOnNode(pod, snapshot, node, victims);
            if (status.isSuccess()) {
                candidates.add(new Candidate(node.name(), victims));
            } else {
                outcome.put(node.name(), status);
            }
        }
        return candidates;
    }

    /**
     * The fewest, least important pods of lower priority whose removal lets the pod fit on
     * this node, into victims (most important first); or why there are none.
     */
    Status selectVictimsOnNode(Pod pod, Snapshot snapshot, NodeInfo node, List<Pod> victims) {
        // TODO lab 03, task select-victims:
        // The potential victims are the node's pods of lower priority than the pod; none:
        // unresolvable "No preemption victims found for incoming pod". Remove them all and
        // check the pod fits (fitsOn); if not, return that status. Then, most important first
        // (MORE_IMPORTANT_FIRST), put each back and keep it if the pod still fits;
        // otherwise it is a victim. Return SUCCESS.
        throw new UnsupportedOperationException("lab 03, task select-victims: not written yet (see labs/03-scheduler/README.adoc)");
    }

    /** Higher priority first; among equals, the one that started earlier (kube's MoreImportantPod). */
    static final Comparator<Pod> MORE_IMPORTANT_FIRST = Comparator.comparingInt((Pod p) -> -p.priority())
            .thenComparing(Pod::created);

    /** Does the pod fit on this node as changed, in a cluster where only this node changed? */
    private Status fitsOn(Pod pod, Snapshot snapshot, NodeInfo changed) {
        List<NodeInfo> nodes = new ArrayList<>(snapshot.nodes());
        nodes.replaceAll(n -> n.name().equals(changed.name()) ? changed : n);
        Snapshot whatIf = new Snapshot(nodes);
        CycleState state = new CycleState();
        Status pre = profile.runPreFilterPlugins(state, pod, whatIf);
        if (!pre.isSuccess()) {
            return pre;
        }
        return profile.runFilterPlugins(state, pod, changed);
    }

    /**
     * kube-scheduler's pickOneNodeForPreemption without PodDisruptionBudgets: the lowest
     * highest-victim priority, then the smallest priority sum (each priority shifted by
     * 2^31 so that every victim adds to it), then the fewest victims, then the latest
     * start among the highest-priority victims; then the first found.
     */
    static Candidate pickOne(List<Candidate> candidates) {
        Comparator<Candidate> best = Comparator
                .comparingInt((Candidate c) -> c.victims().isEmpty() ? Integer.MIN_VALUE
                        : c.victims().get(0).priority())
                .thenComparingLong(c -> c.victims().stream().mapToLong(v -> (long) v.priority() + (1L << 31)).sum())
                .thenComparingInt(c -> c.victims().size())
                .thenComparing(DefaultPreemption::earliestStartOfHighest, Comparator.reverseOrder());
        Candidate chosen = candidates.get(0);
        for (Candidate c : candidates) {
            if (best.compare(c, chosen) < 0) {
                chosen = c;
            }
        }
        return chosen;
    }

    private static java.time.Instant earliestStartOfHighest(Candidate c) {
        if (c.victims().isEmpty()) {
            return java.time.Instant.MAX;
        }
        int highest = c.victims().get(0).priority();
        return c.victims().stream().filter(v -> v.priority() == highest).map(Pod::created)
                .min(Comparator.naturalOrder()).orElseThrow();
    }
}
