package dev.kthw.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kthw.apiserver.ApiServer;
import dev.kthw.testing.RealEtcd;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chapter 02's figures, printed, never asserted against a time: the API server on etcd
 * against raw jetcd puts of the same values at the same concurrency on the same etcd
 * (target: at least half), watch latency from a write's acknowledgement to its event,
 * and a list of 10,000 pods (time, and the API server's memory). Run with {@code ./kthw bench}.
 *
 * <p>The throughput ratio is taken once the JIT has compiled both paths, over several
 * rounds of both sides back to back; its median stands for the run, since the two cores
 * are shared with whatever else the machine does and one round can land in a busy spell.
 */
@Tag("benchmark")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class EtcdBenchmark {

    static final int CLIENTS = ApiServerBenchmark.CLIENTS;
    static final int PER_CLIENT = 250;
    /** Measured rounds, each raw puts and API creates back to back; the figure is their median ratio. */
    static final int ROUNDS = 9;
    /** Each client's requests in a measured round: twice a warm-up round's, so a busy spell weighs less. */
    static final int MEASURED_PER_CLIENT = 2 * PER_CLIENT;
    /** Warm-up rounds at most; it ends sooner once the JIT compiler has settled (see {@link #warmUp}). */
    static final int MAX_WARM_UP_ROUNDS = 25;

    /** One round of work for both sides; {@code round} keeps the names of its objects unique. */
    @FunctionalInterface
    interface Round {
        void run(int round) throws Exception;
    }

    @Test
    void podCreateThroughputOnEtcdAgainstRawJetcdPuts() throws Exception {
        try (RealEtcd etcd = RealEtcd.start(1);
             Client client = Client.builder().endpoints(etcd.endpoints()).build();
             ApiServer server = ApiServer.start(new ApiServer.Config("127.0.0.1", 0, "/registry"), etcd.storage(),
                     Clock.systemUTC())) {
            PlainHttp[] connections = connections(server.url());
            try {
                String pods = "/api/v1/namespaces/default/pods";
                KV kv = client.getKVClient();
                int warmUp = warmUp(r -> {
                    creates(connections, pods, PER_CLIENT, "warm" + r + "-");
                    rawPuts(kv, PER_CLIENT, "warm" + r + "-");
                });
                double[] ratios = new double[ROUNDS];
                for (int r = 0; r < ROUNDS; r++) {
                    // Which side goes first alternates, so a trend in the machine's load favours neither.
                    double raw;
                    double api;
                    if (r % 2 == 0) {
                        raw = rawPuts(kv, MEASURED_PER_CLIENT, "raw" + r + "-");
                        api = creates(connections, pods, MEASURED_PER_CLIENT, "api" + r + "-");
                    } else {
                        api = creates(connections, pods, MEASURED_PER_CLIENT, "api" + r + "-");
                        raw = rawPuts(kv, MEASURED_PER_CLIENT, "raw" + r + "-");
                    }
                    ratios[r] = api / raw;
                    System.out.printf("BENCH etcd: round %d: pod creates through the API server %.0f/s, raw jetcd puts "
                            + "%.0f/s: %.2f%n", r + 1, api, raw, ratios[r]);
                    assertThat(api).isPositive();
                }
                Arrays.sort(ratios);
                System.out.printf("BENCH etcd: pod creates through the API server against raw jetcd puts of the same "
                        + "JSON, %d clients, after %d warm-up rounds: ratio %.2f (median of %d rounds, %.2f-%.2f; "
                        + "target >= 0.5)%n", CLIENTS, warmUp, ratios[ROUNDS / 2], ROUNDS, ratios[0],
                        ratios[ROUNDS - 1]);
            } finally {
                for (PlainHttp connection : connections) {
                    connection.close();
                }
            }
        }
    }

    /**
     * Runs warm-up rounds until one costs the JIT compiler less than a tenth of its own
     * time (at most {@link #MAX_WARM_UP_ROUNDS}); returns how many ran. A figure taken
     * earlier measures the compiler more than the server: the API server's path (Jetty,
     * Javalin, Jackson, our handlers) is far more code than jetcd's put, so its compiler
     * threads keep taking CPU from it on the same two cores, for tens of thousands of
     * requests. A long-running API server (or kube-apiserver, compiled ahead of time)
     * pays that once.
     */
    static int warmUp(Round round) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        for (int r = 1; ; r++) {
            long compiledBefore = jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
            long start = System.nanoTime();
            round.run(r);
            long millis = (System.nanoTime() - start) / 1_000_000;
            long compiling = jit.isCompilationTimeMonitoringSupported()
                    ? jit.getTotalCompilationTime() - compiledBefore : millis;
            if (compiling * 10 < millis || r == MAX_WARM_UP_ROUNDS) {
                return r;
            }
        }
    }

    /** One kept-alive connection per client, as each of {@link #CLIENTS} controllers would hold. */
    static PlainHttp[] connections(String url) {
        PlainHttp[] connections = new PlainHttp[CLIENTS];
        for (int c = 0; c < CLIENTS; c++) {
            connections[c] = new PlainHttp(url);
        }
        return connections;
    }

    /**
     * Pod creates per second through the API server: {@link #CLIENTS} clients, each on its
     * own connection, posting {@code perClient} pods in turn, each a 201 before the next.
     */
    static double creates(PlainHttp[] connections, String path, int perClient, String prefix) throws Exception {
        return ApiServerBenchmark.perSecond(perClient, (client, i) -> {
            PlainHttp.Response r = connections[client].postJson(path,
                    ApiServerBenchmark.pod(prefix + client + "-" + i).getBytes(StandardCharsets.UTF_8));
            if (r.status() != 201) {
                throw new IllegalStateException(r.status() + " " + r.text());
            }
        });
    }

    /** Puts per second from {@link #CLIENTS} threads, each putting {@code perClient} pod values in turn. */
    static double rawPuts(KV kv, int perClient, String prefix) throws Exception {
        return ApiServerBenchmark.perSecond(perClient, (client, i) -> {
            String name = prefix + client + "-" + i;
            kv.put(ByteSequence.from("/bench/pods/default/" + name, StandardCharsets.UTF_8),
                    ByteSequence.from(ApiServerBenchmark.pod(name), StandardCharsets.UTF_8)).get();
        });
    }

    @Test
    void watchLatencyFromWriteAcknowledgementToEvent() throws Exception {
        try (RealEtcd etcd = RealEtcd.start(1);
             ApiServer server = ApiServer.start(new ApiServer.Config("127.0.0.1", 0, "/registry"), etcd.storage(),
                     Clock.systemUTC())) {
            String pods = server.url() + "/api/v1/namespaces/default/pods";
            Map<String, Long> arrived = new ConcurrentHashMap<>();
            HttpResponse<java.io.InputStream> watch = ApiServerBenchmark.HTTP.send(HttpRequest.newBuilder(
                    URI.create(pods + "?watch=true&resourceVersion=" + currentRv(pods))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        int at = line.indexOf("\"name\":\"");
                        if (at >= 0) {
                            arrived.put(line.substring(at + 8, line.indexOf('"', at + 8)), System.nanoTime());
                        }
                    }
                } catch (java.io.IOException closed) {
                    // the benchmark is over
                }
            });
            reader.setDaemon(true);
            reader.start();
            int n = 500;
            long[] latencies = new long[n];
            Map<String, Long> acked = new ConcurrentHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = "lat-" + i;
                HttpResponse<String> r = ApiServerBenchmark.HTTP.send(HttpRequest.newBuilder(URI.create(pods))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(ApiServerBenchmark.pod(name))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(201);
                acked.put(name, System.nanoTime());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (arrived.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            for (int i = 0; i < n; i++) {
                // An event may arrive before the client has read its own 201: that is latency 0.
                latencies[i] = Math.max(0, arrived.getOrDefault("lat-" + i, Long.MAX_VALUE / 2) - acked.get("lat-" + i));
            }
            Arrays.sort(latencies);
            System.out.printf("BENCH etcd: watch latency, write acknowledged -> event received: p50 %.2f ms, p99 %.2f ms"
                    + " (%d of %d events)%n", percentile(latencies, 50),
                    percentile(latencies, 99), arrived.size(), n);
            assertThat(arrived).hasSize(n);
        }
    }

    private static String currentRv(String pods) throws Exception {
        String body = ApiServerBenchmark.HTTP.send(HttpRequest.newBuilder(URI.create(pods + "?limit=1")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        int at = body.indexOf("\"resourceVersion\":\"");
        return body.substring(at + 19, body.indexOf('"', at + 19));
    }

    /** What a test started, stopped after it even when its timeout left the test's own thread stuck. */
    private final List<AutoCloseable> stopAfterTest = new ArrayList<>();

    @AfterEach
    void stopWhatWasStarted() throws Exception {
        for (AutoCloseable started : stopAfterTest) {
            started.close();
        }
    }

    @Test
    void listOf10000PodsTimeAndApiServerMemory() throws Exception {
        Path argFile = Files.createTempFile("kthw-cp", ".args");
        Files.writeString(argFile, "-cp \"" + System.getProperty("java.class.path") + "\"\n");
        try (RealEtcd etcd = RealEtcd.start(1)) {
            stopAfterTest.add(etcd::close);
            Process server = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "@" + argFile,
                    "dev.kthw.apiserver.EtcdServerMain", etcd.endpoints()).redirectErrorStream(true).start();
            try {
                stopAfterTest.add(server::destroyForcibly);   // also when a timeout leaves this thread stuck
                BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                String url = null;
                while (url == null) {
                    String line = out.readLine();
                    if (line == null) {
                        throw new IllegalStateException("the API server ended before it said where it serves");
                    }
                    url = line.startsWith("serving ") ? line.substring(8).strip() : null;
                }
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (java.io.IOException gone) {
                        // the server stopped
                    }
                });
                drain.setDaemon(true);
                drain.start();
                String pods = url + "/api/v1/namespaces/default/pods";
                ApiServerBenchmark.throughput(pods, 10_000 / CLIENTS, "list");
                long before = rss(server.pid());
                AtomicLong peak = new AtomicLong(before);
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            peak.accumulateAndGet(rss(server.pid()), Math::max);
                            Thread.sleep(10);
                        } catch (Exception stop) {
                            return;
                        }
                    }
                });
                sampler.start();
                double[] seconds = new double[3];
                long bytes = 0;
                for (int i = 0; i < seconds.length; i++) {
                    long start = System.nanoTime();
                    HttpResponse<byte[]> list = ApiServerBenchmark.HTTP.send(HttpRequest.newBuilder(URI.create(pods))
                            .build(), HttpResponse.BodyHandlers.ofByteArray());
                    seconds[i] = (System.nanoTime() - start) / 1e9;
                    bytes = list.body().length;
                    assertThat(list.statusCode()).isEqualTo(200);
                }
                sampler.interrupt();
                sampler.join();
                System.out.printf("BENCH etcd: list of 10,000 pods (%.1f MiB of JSON): %.2f s first, %.2f s, %.2f s; "
                        + "API server RSS %d MiB before, peak %d MiB while listing%n", bytes / 1048576.0, seconds[0],
                        seconds[1], seconds[2], before >> 20, peak.get() >> 20);
            } finally {
                server.destroy();
                if (!server.waitFor(10, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor();
                }
            }
        } finally {
            Files.deleteIfExists(argFile);
        }
    }

    /** The p-th percentile of sorted nanoseconds, in milliseconds. */
    private static double percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    private static long rss(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
