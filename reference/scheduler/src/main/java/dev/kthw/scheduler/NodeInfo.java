package dev.kthw.scheduler;

import java.util.ArrayList;
import java.util.List;

// tag::node-info[]
/**
 * A node together with the pods on it and what they request: the unit every Filter and
 * Score plugin looks at. Immutable: adding or removing a pod makes a new NodeInfo, so a
 * snapshot handed to a scheduling cycle never changes under the plugins, even while the
 * cache takes in new events.
 *
 * <p>{@code podsWithAffinity} are the pods that carry pod affinity or anti-affinity terms,
 * kept apart (as kube-scheduler does) because InterPodAffinity must check the terms of
 * pods already placed, and most pods have none.
 *
 * <p>{@code nonZeroRequested} is what scoring counts: the same sum, with a pod that asks for
 * no cpu or memory counted as asking for a little (see {@link NodeResourcesFit#nonZero}).
 * Kept here as kube-scheduler keeps it, so that scoring a node does not walk its pods.
 */
public record NodeInfo(Node node, List<Pod> pods, List<Pod> podsWithAffinity, Resources requested,
        Resources nonZeroRequested) {

    public NodeInfo {
        pods = List.copyOf(pods);
        podsWithAffinity = List.copyOf(podsWithAffinity);
    }

    public static NodeInfo of(Node node) {
        return new NodeInfo(node, List.of(), List.of(), Resources.NONE, Resources.NONE);
    }

    public String name() {
        return node.name();
    }

    /** What is left for new pods: allocatable minus what the pods here request. */
    public Resources free() {
        return node.allocatable().minus(requested);
    }

    public NodeInfo withNode(Node changed) {
        return new NodeInfo(changed, pods, podsWithAffinity, requested, nonZeroRequested);
    }

    public NodeInfo withPod(Pod pod) {
        List<Pod> all = new ArrayList<>(pods);
        all.add(pod);
        List<Pod> affine = podsWithAffinity;
        if (hasPodAffinity(pod)) {
            affine = new ArrayList<>(podsWithAffinity);
            affine.add(pod);
        }
        return new NodeInfo(node, all, affine, requested.plus(pod.requests()),
                nonZeroRequested.plus(NodeResourcesFit.nonZero(pod.requests())));
    }
    // end::node-info[]

    /** This node without the pod of this key; itself if the pod is not here. */
    public NodeInfo withoutPod(String key) {
        Pod gone = null;
        List<Pod> rest = new ArrayList<>(pods.size());
        for (Pod p : pods) {
            if (gone == null && p.key().equals(key)) {
                gone = p;
            } else {
                rest.add(p);
            }
        }
        if (gone == null) {
            return this;
        }
        List<Pod> affine = podsWithAffinity;
        if (hasPodAffinity(gone)) {
            affine = new ArrayList<>(podsWithAffinity);
            affine.removeIf(p -> p.key().equals(key));
        }
        return new NodeInfo(node, rest, affine, requested.minus(gone.requests()),
                nonZeroRequested.minus(NodeResourcesFit.nonZero(gone.requests())));
    }

    static boolean hasPodAffinity(Pod pod) {
        return pod.affinity().podAffinity() != null || pod.affinity().podAntiAffinity() != null;
    }
}
