package dev.kthw.scheduler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-built pods, nodes and snapshots for the plugin tests, written as the YAML a user
 * would write, plus the framework's calling order for one plugin (PreFilter then Filter;
 * PreScore, Score, normalize), so a test reads like the rule it checks.
 */
final class Fixtures {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Fixtures() {
    }

    /** A pod from its manifest (metadata and spec; the namespace defaults to "default"). */
    static Pod pod(String yaml) {
        try {
            return Pod.from(YAML.readTree(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A node from its manifest. */
    static Node nodeFrom(String yaml) {
        try {
            return Node.from(YAML.readTree(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A node with 4 cpus, 8Gi of memory and room for 110 pods, labelled
     * {@code kubernetes.io/hostname=NAME} and with these labels ("zone=a", ...).
     */
    static Node node(String name, String... labels) {
        Map<String, String> all = new HashMap<>();
        all.put("kubernetes.io/hostname", name);
        for (String label : labels) {
            String[] kv = label.split("=", 2);
            all.put(kv[0], kv[1]);
        }
        return new Node(name, all, List.of(), new Resources(4000, 8L << 30, 110), false);
    }

    /** The node with these pods bound to it. */
    static NodeInfo with(Node node, Pod... pods) {
        NodeInfo info = NodeInfo.of(node);
        for (Pod p : pods) {
            info = info.withPod(p.onNode(node.name()));
        }
        return info;
    }

    static Snapshot snapshot(NodeInfo... nodes) {
        return new Snapshot(List.of(nodes));
    }

    static Snapshot snapshot(Node... nodes) {
        return new Snapshot(Arrays.stream(nodes).map(NodeInfo::of).toList());
    }

    /**
     * What the framework would decide for one node: PreFilter (if the plugin has one), then,
     * unless PreFilter said SKIP (nothing to check: success) or rejected the pod, Filter.
     */
    static Status filter(Plugin plugin, Pod pod, Snapshot snapshot, String nodeName) {
        CycleState state = new CycleState();
        if (plugin instanceof Plugin.PreFilter) {
            Status pre = ((Plugin.PreFilter) plugin).preFilter(state, pod, snapshot);
            if (pre.code() == Status.Code.SKIP) {
                return Status.SUCCESS;
            }
            if (!pre.isSuccess()) {
                return pre;
            }
        }
        return ((Plugin.Filter) plugin).filter(state, pod, snapshot.get(nodeName));
    }

    /**
     * The plugin's normalized scores over every node of the snapshot (all taken as feasible),
     * by node name; empty when PreScore said SKIP (the framework then leaves the plugin out).
     */
    static Map<String, Long> scores(Plugin.Score plugin, Pod pod, Snapshot snapshot) {
        return scores(plugin, pod, snapshot, snapshot.nodes());
    }

    static Map<String, Long> scores(Plugin.Score plugin, Pod pod, Snapshot snapshot, List<NodeInfo> feasible) {
        CycleState state = new CycleState();
        if (plugin instanceof Plugin.PreScore) {
            Status pre = ((Plugin.PreScore) plugin).preScore(state, pod, feasible, snapshot);
            if (pre.code() == Status.Code.SKIP) {
                return Map.of();
            }
        }
        Map<String, Long> scores = new LinkedHashMap<>();
        for (NodeInfo node : feasible) {
            scores.put(node.name(), plugin.score(state, pod, node));
        }
        plugin.normalize(state, pod, scores);
        return scores;
    }

    /** The raw scores, before normalize. */
    static Map<String, Long> rawScores(Plugin.Score plugin, Pod pod, Snapshot snapshot) {
        CycleState state = new CycleState();
        if (plugin instanceof Plugin.PreScore) {
            ((Plugin.PreScore) plugin).preScore(state, pod, snapshot.nodes(), snapshot);
        }
        Map<String, Long> scores = new LinkedHashMap<>();
        for (NodeInfo node : snapshot.nodes()) {
            scores.put(node.name(), plugin.score(state, pod, node));
        }
        return scores;
    }
}
