package dev.kthw.scheduler;

import dev.kthw.scheduler.Affinity.Taint;
import dev.kthw.scheduler.Affinity.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Taints let a node repel pods; tolerations let a pod accept a taint. A taint is
 * {@code key=value:effect}:
 *
 * <ul>
 * <li>{@code NoSchedule}: no new pod lands here unless it tolerates the taint (Filter);</li>
 * <li>{@code NoExecute}: the same for scheduling; kube-controller-manager's taint eviction
 *     controller also evicts running pods that do not tolerate it (not the scheduler's job);</li>
 * <li>{@code PreferNoSchedule}: a soft NoSchedule: nodes with fewer such taints the pod does
 *     not tolerate score higher (Score, normalized so that fewer is better).</li>
 * </ul>
 *
 * <p>A toleration matches a taint when its effect is empty or the same, its key is empty
 * or the same, and its operator is Exists, or Equal (the default) with the same value.
 * An empty key with Exists therefore tolerates every taint.
 *
 * <p>The Filter's reason names the first untolerated taint, as kube-scheduler does:
 * {@code node(s) had untolerated taint {dedicated: gpu}}.
 */
public final class TaintToleration implements Plugin.Filter, Plugin.PreScore, Plugin.Score {

    public static final String NAME = "TaintToleration";
    private static final String PRE_SCORE_KEY = "PreScore" + NAME;

    @Override
    public String name() {
        return NAME;
    }

    /** Does this one toleration match this taint? */
    public static boolean tolerates(Toleration toleration, Taint taint) {
        // TODO lab 03, task taint-tolerates:
        // A toleration with an effect only matches taints of that effect; one with a key
        // only matches taints of that key (an empty effect or key matches any). Then the
        // operator: "Exists" matches whatever the value, "Equal" (or no operator) needs
        // the same value; a missing value is the empty string. Any other operator: false.
        throw new UnsupportedOperationException("lab 03, task taint-tolerates: not written yet (see labs/03-scheduler/README.adoc)");
    }

    /** Does any of these tolerations match the taint? */
    public static boolean toleratedByAny(List<Toleration> tolerations, Taint taint) {
        for (Toleration t : tolerations) {
            if (tolerates(t, taint)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Status filter(CycleState state, Pod pod, NodeInfo node) {
        // TODO lab 03, task taint-filter:
        // Go through the node's taints in order. Only NoSchedule and NoExecute taints
        // block scheduling; the first of those that none of the pod's tolerations
        // tolerates (toleratedByAny) rejects the node for good (unresolvable: evicting
        // pods removes no taint), with the reason "node(s) had untolerated taint {k: v}"
        // (Taint's toString prints the braces).
        throw new UnsupportedOperationException("lab 03, task taint-filter: not written yet (see labs/03-scheduler/README.adoc)");
    }

    /** Keeps the tolerations that can match a PreferNoSchedule taint, once per pod. */
    @Override
    public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasible, Snapshot snapshot) {
        state.put(PRE_SCORE_KEY, preferNoScheduleTolerations(pod));
        return Status.SUCCESS;
    }

    /** The pod's tolerations whose effect is PreferNoSchedule or empty (every effect). */
    public static List<Toleration> preferNoScheduleTolerations(Pod pod) {
        List<Toleration> kept = new ArrayList<>();
        for (Toleration t : pod.tolerations()) {
            if (isEmpty(t.effect()) || "PreferNoSchedule".equals(t.effect())) {
                kept.add(t);
            }
        }
        return List.copyOf(kept);
    }

    /** The raw score is a count of bad things; {@link #normalize} turns it around. */
    @Override
    public long score(CycleState state, Pod pod, NodeInfo node) {
        // TODO lab 03, task taint-score:
        // Count the node's PreferNoSchedule taints that the pod does not tolerate. Use the
        // tolerations PreScore left in the state under PRE_SCORE_KEY (or, if it is not
        // there, preferNoScheduleTolerations(pod)). Return the count as it is: normalize
        // turns it into 0..100 with fewer untolerated taints scoring higher.
        throw new UnsupportedOperationException("lab 03, task taint-score: not written yet (see labs/03-scheduler/README.adoc)");
    }

    @Override
    public void normalize(CycleState state, Pod pod, Map<String, Long> scores) {
        Scores.scaleToMax(scores, true);
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
