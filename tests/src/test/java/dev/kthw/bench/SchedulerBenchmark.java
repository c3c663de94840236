package dev.kthw.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.apiserver.ApiServer;
import dev.kthw.client.KubeClient;
import dev.kthw.client.WatchEvent;
import dev.kthw.client.WatchStream;
import dev.kthw.scheduler.PluginRegistry;
import dev.kthw.scheduler.Scheduler;
import dev.kthw.scheduler.SchedulerConfiguration;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Chapter 03's figures: pods scheduled per second, and the p99 time from a pod's creation
 * to its binding, with 1,000 Node objects and 10,000 pending pods on the in-memory API
 * server (no kubelets), for basic pods, pods with required anti-affinity, and pods with
 * topology spread. Printed beside kube-scheduler's scheduler_perf thresholds (which run on
 * 5,000 nodes and large machines) and as a ratio to a baseline measured in the same run:
 * the rate at which this API server takes a create and a binding with no scheduler at all,
 * from as many client threads as the run uses (pod creators plus the scheduler's binders).
 * Run with {@code ./kthw bench}.
 */
@Tag("benchmark")
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulerBenchmark {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int NODES = 1000;
    static final int PODS = 10_000;
    static final int CREATORS = 4;
    static final String NS_PODS = "/api/v1/namespaces/default/pods";

    /**
     * Runs first, in a fresh JVM, so the whole basic run is done twice and only the second
     * reported, once the JIT has compiled the API server's and the scheduler's hot paths.
     */
    @Test
    @Order(1)
    void basicPods() throws Exception {
        for (boolean report : new boolean[] {false, true}) {
            run("basic", 680, i -> pod("basic-" + i, Map.of("app", "basic")), placed -> { }, report);
        }
    }

    @Test
    @Order(2)
    void podsWithRequiredAntiAffinity() throws Exception {
        // Ten groups of 1,000 pods; no two pods of a group on one node (topologyKey hostname).
        run("required anti-affinity", 60, i -> {
            String group = "group-" + (i % 10);
            ObjectNode pod = pod("anti-" + i, Map.of("group", group));
            pod.with("spec").with("affinity").with("podAntiAffinity")
                    .withArray("requiredDuringSchedulingIgnoredDuringExecution").addObject()
                    .put("topologyKey", "kubernetes.io/hostname")
                    .putObject("labelSelector").putObject("matchLabels").put("group", group);
            return pod;
        }, placed -> {
            // The work itself: no node holds two pods of one group.
            Map<String, Long> perNodeAndGroup = placed.entrySet().stream().collect(Collectors.groupingBy(
                    e -> e.getValue() + "/" + (Integer.parseInt(e.getKey().substring("anti-".length())) % 10),
                    Collectors.counting()));
            assertThat(perNodeAndGroup.values()).as("pods of one group on one node").containsOnly(1L);
        });
    }

    @Test
    @Order(3)
    void podsWithTopologySpread() throws Exception {
        // Spread evenly over 10 zones (maxSkew 1, DoNotSchedule), as scheduler_perf's
        // topology-spreading workloads do. kube sets no threshold for this one.
        run("topology spread", 0, i -> {
            ObjectNode pod = pod("spread-" + i, Map.of("app", "spread"));
            pod.with("spec").withArray("topologySpreadConstraints").addObject().put("maxSkew", 1)
                    .put("topologyKey", "topology.kubernetes.io/zone").put("whenUnsatisfiable", "DoNotSchedule")
                    .putObject("labelSelector").putObject("matchLabels").put("app", "spread");
            return pod;
        }, placed -> {
            // The work itself: the ten zones differ by at most maxSkew = 1 pod.
            Map<String, Long> perZone = placed.values().stream().collect(Collectors.groupingBy(
                    node -> "zone-" + (Integer.parseInt(node.substring("node-".length())) % 10), Collectors.counting()));
            assertThat(perZone).hasSize(10);
            assertThat(Collections.max(perZone.values()) - Collections.min(perZone.values())).isLessThanOrEqualTo(1);
        });
    }

    /** Creates nodes, measures the no-scheduler ceiling, then schedules {@link #PODS} pods and prints. */
    void run(String workload, int kubeThreshold, IntFunction<ObjectNode> pods, Consumer<Map<String, String>> check)
            throws Exception {
        run(workload, kubeThreshold, pods, check, true);
    }

    void run(String workload, int kubeThreshold, IntFunction<ObjectNode> pods, Consumer<Map<String, String>> check,
            boolean report) throws Exception {
        try (ApiServer server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"))) {
            KubeClient client = new KubeClient(server.url(), "kthw-bench");
            for (int n = 0; n < NODES; n++) {
                client.create("/api/v1/nodes", node(n));
            }
            double ceiling = createAndBindWithoutScheduler(client, 2000);

            String from = client.list(NS_PODS).path("metadata").path("resourceVersion").asText();
            Map<String, Long> created = new ConcurrentHashMap<>();
            Map<String, Long> bound = new ConcurrentHashMap<>();
            Map<String, String> placed = new ConcurrentHashMap<>();     // pod → node
            WatchStream watch = client.watch(NS_PODS, from, Map.of("timeoutSeconds", "1800"));
            Thread watcher = recordBindings(watch, bound, placed);
            String yaml = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
                    + "leaderElection:\n  leaderElect: false\n";
            try (Scheduler scheduler = Scheduler.start(client, new Scheduler.Options(
                    SchedulerConfiguration.parse(yaml), PluginRegistry.catalog(), "bench", "127.0.0.1", -1,
                    Clock.systemUTC()))) {
                long start = System.nanoTime();
                inParallel(CREATORS, PODS, i -> {
                    ObjectNode pod = pods.apply(i);
                    created.put(pod.path("metadata").path("name").asText(), System.nanoTime());
                    client.create(NS_PODS, pod);
                });
                double createSeconds = (System.nanoTime() - start) / 1e9;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                while (bound.size() < PODS && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                watch.close();
                watcher.join();
                assertThat(bound).as("pods bound").hasSize(PODS);
                check.accept(placed);
                long last = bound.values().stream().mapToLong(Long::longValue).max().orElseThrow();
                double seconds = (last - start) / 1e9;
                double rate = PODS / seconds;
                long[] latencies = bound.entrySet().stream()
                        .mapToLong(e -> e.getValue() - created.get(e.getKey())).sorted().toArray();
                if (!report) {
                    System.out.printf("%n[scheduler] %s: warm-up run, %.0f pods/s (not reported)%n", workload, rate);
                    return;
                }
                System.out.printf("%n[scheduler] %s: %d pods on %d nodes: %.0f pods/s (all pods created in %.1f s)%n",
                        workload, PODS, NODES, rate, createSeconds);
                System.out.printf("[scheduler]   creation to binding: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                        percentile(latencies, 50), percentile(latencies, 99), latencies[latencies.length - 1] / 1e6);
                System.out.printf("[scheduler]   ceiling (create + bind, no scheduler, %d clients): %.0f pods/s; "
                        + "ratio %.2f%n", CREATORS + Scheduler.BINDERS, ceiling, rate / ceiling);
                if (kubeThreshold > 0) {
                    System.out.printf("[scheduler]   kube-scheduler's scheduler_perf threshold: %d pods/s "
                            + "(5,000 nodes, large machines); ours/threshold %.2f%n", kubeThreshold,
                            rate / kubeThreshold);
                }
            }
        }
    }

    /** The API server's own ceiling: pods created then bound by the benchmark itself, no scheduling. */
    static double createAndBindWithoutScheduler(KubeClient client, int count) throws Exception {
        long start = System.nanoTime();
        inParallel(CREATORS + Scheduler.BINDERS, count, i -> {
            String name = "ceiling-" + i;
            client.create(NS_PODS, pod(name, Map.of("app", "ceiling")));
            ObjectNode binding = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Binding");
            binding.putObject("metadata").put("name", name);
            binding.putObject("target").put("apiVersion", "v1").put("kind", "Node").put("name", "node-" + (i % NODES));
            client.post(NS_PODS + "/" + name + "/binding", binding);
        });
        double rate = count / ((System.nanoTime() - start) / 1e9);
        inParallel(CREATORS, count, i -> client.delete(NS_PODS + "/ceiling-" + i));
        return rate;
    }

    /** Records, per pod, when the watch first shows it with a node; ends when the watch is closed. */
    static Thread recordBindings(WatchStream watch, Map<String, Long> bound, Map<String, String> placed) {
        Thread t = new Thread(() -> {
            try {
                WatchEvent e;
                while ((e = watch.next()) != null) {
                    JsonNode pod = e.object();
                    String node = pod.path("spec").path("nodeName").asText("");
                    if (!node.isEmpty()) {
                        bound.putIfAbsent(pod.path("metadata").path("name").asText(), System.nanoTime());
                        placed.put(pod.path("metadata").path("name").asText(), node);
                    }
                }
            } catch (RuntimeException closed) {
                // close() from the benchmark ends the stream; anything else shows as pods never bound
            }
        }, "bench-watch");
        t.setDaemon(true);
        t.start();
        return t;
    }

    interface Job {
        void run(int i) throws Exception;
    }

    static void inParallel(int threads, int count, Job job) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            done.add(pool.submit(() -> {
                for (int i = first; i < count; i += threads) {
                    job.run(i);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    static ObjectNode node(int n) {
        String name = "node-" + n;
        ObjectNode node = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", name).putObject("labels").put("kubernetes.io/hostname", name)
                .put("topology.kubernetes.io/zone", "zone-" + (n % 10));
        ObjectNode allocatable = node.putObject("status").putObject("allocatable");
        allocatable.put("cpu", "32").put("memory", "256Gi").put("pods", "110");
        return node;
    }

    static ObjectNode pod(String name, Map<String, String> labels) {
        ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata").put("name", name);
        labels.forEach(meta.putObject("labels")::put);
        pod.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "busybox")
                .putObject("resources").putObject("requests").put("cpu", "100m").put("memory", "128Mi");
        return pod;
    }

    static double percentile(long[] sortedNanos, int p) {
        int index = Math.min(sortedNanos.length - 1, (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1e6;
    }

}
