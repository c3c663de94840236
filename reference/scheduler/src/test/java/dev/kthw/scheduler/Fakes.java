package dev.kthw.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small nodes, pods and fake plugins for the scheduler's unit tests (chapter 03). */
final class Fakes {

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private Fakes() {
    }

    /** A node with this much CPU (millicores), 4 GiB of memory and room for 110 pods. */
    static Node node(String name, long milliCpu) {
        return new Node(name, Map.of("kubernetes.io/hostname", name), List.of(),
                new Resources(milliCpu, 4L << 30, 110), false);
    }

    static Node node(String name, long milliCpu, Map<String, String> labels) {
        return new Node(name, labels, List.of(), new Resources(milliCpu, 4L << 30, 110), false);
    }

    /** A pending pod in namespace default asking for this much CPU, priority 0. */
    static Pod pod(String name, long milliCpu) {
        return pod(name, milliCpu, 0, T0);
    }

    static Pod pod(String name, long milliCpu, int priority) {
        return pod(name, milliCpu, priority, T0);
    }

    static Pod pod(String name, long milliCpu, int priority, Instant created) {
        return new Pod("default", name, "uid-" + name, "1", Pod.DEFAULT_SCHEDULER, "", priority,
                "PreemptLowerPriority", Map.of(), Map.of(), new Resources(milliCpu, 0, 1), List.of(), null,
                List.of(), created, false);
    }

    static Pod neverPreempts(Pod p) {
        return new Pod(p.namespace(), p.name(), p.uid(), p.resourceVersion(), p.schedulerName(), p.nodeName(),
                p.priority(), "Never", p.labels(), p.nodeSelector(), p.requests(), p.tolerations(), p.affinity(),
                p.topologySpreadConstraints(), p.created(), p.terminating());
    }

    /** A node with these pods on it. */
    static NodeInfo info(Node node, Pod... pods) {
        NodeInfo info = NodeInfo.of(node);
        for (Pod p : pods) {
            info = info.withPod(p.onNode(node.name()));
        }
        return info;
    }

    static Snapshot snapshot(NodeInfo... nodes) {
        return new Snapshot(List.of(nodes));
    }

    static Snapshot snapshotOf(int count, long milliCpu) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(NodeInfo.of(node("node-" + i, milliCpu)));
        }
        return new Snapshot(nodes);
    }

    /**
     * NodeResourcesFit in miniature: a pod fits where its CPU request and one more pod fit
     * in what the node has left. UNSCHEDULABLE, so preemption may try.
     */
    static final class FakeResourceFit implements Plugin.Filter {
        int calls;

        @Override
        public String name() {
            return "NodeResourcesFit";
        }

        @Override
        public Status filter(CycleState state, Pod pod, NodeInfo node) {
            calls++;
            List<String> reasons = Resources.insufficient(pod.requests(), node.requested(), node.node().allocatable());
            return reasons.isEmpty() ? Status.SUCCESS : Status.unschedulable(reasons.toArray(String[]::new));
        }
    }

    /** Rejects, for good, every node whose name is listed, with this reason. */
    static Plugin.Filter rejecting(String plugin, String reason, String... nodes) {
        List<String> names = List.of(nodes);
        return new Plugin.Filter() {
            @Override
            public String name() {
                return plugin;
            }

            @Override
            public Status filter(CycleState state, Pod pod, NodeInfo node) {
                return names.contains(node.name()) ? Status.unresolvable(reason) : Status.SUCCESS;
            }
        };
    }

    /** Scores each node by a fixed table (missing nodes: 0), normalized or not. */
    static Plugin.Score scoring(String plugin, Map<String, Long> table) {
        return new Plugin.Score() {
            @Override
            public String name() {
                return plugin;
            }

            @Override
            public long score(CycleState state, Pod pod, NodeInfo node) {
                return table.getOrDefault(node.name(), 0L);
            }
        };
    }
}
