package dev.kthw.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kthw.apiserver.ApiServer;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chapter 01's performance figures, printed, never asserted against a time: each is a
 * ratio to a baseline measured in the same run, or a latency distribution. Run with
 * {@code ./kthw bench}.
 */
@Tag("benchmark")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ApiServerBenchmark {

    static final int CLIENTS = 8;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static String pod(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":"
                + "{\"app\":\"bench\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox:1.36\","
                + "\"ports\":[{\"containerPort\":80}]}]}}";
    }

    /** One client's i-th request (or put): what a throughput run repeats. */
    @FunctionalInterface
    interface Request {
        void send(int client, int i) throws Exception;
    }

    /** Requests per second from {@link #CLIENTS} threads, each sending {@code perClient} requests in turn. */
    static double perSecond(int perClient, Request request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            done.add(pool.submit(() -> {
                for (int i = 0; i < perClient; i++) {
                    request.send(client, i);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return CLIENTS * perClient / ((System.nanoTime() - start) / 1e9);
    }

    /** Posts per second from {@link #CLIENTS} clients, each posting {@code perClient} pods in turn. */
    static double throughput(String url, int perClient, String prefix) throws Exception {
        return perSecond(perClient, (client, i) -> {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(pod(prefix + client + "-" + i))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(r.statusCode() + " " + r.body());
            }
        });
    }

    @Test
    void podCreateThroughputAgainstABareJavalinEcho() throws Exception {
        Javalin echo = Javalin.create(c -> c.showJavalinBanner = false)
                .post("/echo", ctx -> ctx.contentType("application/json")
                        .result(ServerMain.JSON.writeValueAsBytes(ServerMain.JSON.readTree(ctx.bodyAsBytes()))))
                .start("127.0.0.1", 0);
        try (ApiServer server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"))) {
            String pods = server.url() + "/api/v1/namespaces/default/pods";
            String echoUrl = "http://127.0.0.1:" + echo.port() + "/echo";
            throughput(echoUrl, 300, "warm-e");      // warm up both, JIT included
            throughput(pods, 300, "warm-p");
            double echoRate = throughput(echoUrl, 1000, "e");
            double podRate = throughput(pods, 1000, "p");
            System.out.printf("BENCH pod create, %d clients: %.0f pods/s; bare Javalin JSON echo: %.0f req/s; "
                    + "ratio %.2f (target >= 0.3)%n", CLIENTS, podRate, echoRate, podRate / echoRate);
            assertThat(podRate).isPositive();
        } finally {
            echo.stop();
        }
    }

    /**
     * 1,000 watchers of pods; writes at 25, 50 and 100 per second (8 s each, on a fresh
     * server): the time from a write's response to its event's arrival at every watcher.
     * The lower rates show where the server stops keeping up, if it does.
     */
    @Test
    void watchFanOutToAThousandWatchers() throws Exception {
        // The first thousand connections and events compile the watch path: a warm-up, printed but not a figure.
        fanOut("warm-up, not a figure: ", 1000, 100, 25);
        for (int perSecond : new int[] {25, 50, 100}) {
            fanOut("", 1000, perSecond * 8, perSecond);
        }
    }

    private static void fanOut(String label, int watchers, int writes, int perSecond) throws Exception {
        try (ApiServer server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"))) {
            String pods = server.url() + "/api/v1/namespaces/default/pods";
            String rv = HTTP.send(HttpRequest.newBuilder(URI.create(pods)).build(), HttpResponse.BodyHandlers.ofString())
                    .body().replaceAll(".*\"resourceVersion\":\"(\\d+)\".*", "$1");
            long[] acked = new long[writes];
            long[][] arrivals = new long[watchers][writes];
            int[] seen = new int[watchers];
            WatchClients clients = new WatchClients(pods + "?watch=true&resourceVersion=" + rv + "&timeoutSeconds=300",
                    arrivals, seen, writes);
            assertThat(clients.connected().await(120, TimeUnit.SECONDS)).as("all watchers connected").isTrue();
            long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
            long next = System.nanoTime();
            long start = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
                next += interval;
                HTTP.send(HttpRequest.newBuilder(URI.create(pods)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(pod("w-" + i))).build(),
                        HttpResponse.BodyHandlers.discarding());
                acked[i] = System.nanoTime();
            }
            double writeSeconds = (System.nanoTime() - start) / 1e9;
            boolean all = clients.finished().await(120, TimeUnit.SECONDS);
            // An event may arrive before the writer has read its own response: that latency counts as 0.
            long[] flat = new long[watchers * writes];
            int n = 0;
            for (long[] perWatcher : arrivals) {
                for (int i = 0; i < writes; i++) {
                    flat[n++] = perWatcher[i] == 0 ? Long.MAX_VALUE : Math.max(0, perWatcher[i] - acked[i]);
                }
            }
            Arrays.sort(flat);
            int delivered = Arrays.stream(seen).sum();
            System.out.printf("BENCH %swatch fan-out, %d watchers, %d writes offered at %d/s, achieved %.0f/s: %d of %d events "
                    + "delivered; write response -> event at every watcher: p50 %.1f ms, p99 %.1f ms, max %.1f ms "
                    + "(target p99 <= 100 ms at 100/s)%n", label, watchers, writes, perSecond, writes / writeSeconds, delivered, watchers * writes,
                    pct(flat, 50), pct(flat, 99), flat[flat.length - 1] / 1e6);
            clients.close();
            assertThat(clients.failure()).as("a watcher failed").isNull();
            assertThat(all).as("every watcher finished").isTrue();
            assertThat(delivered).as("every watcher saw every write").isEqualTo(watchers * writes);
        }
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    @Test
    void memoryOfAnApiServerHolding10000Pods() throws Exception {
        Path log = Files.createTempFile("kthw-bench-apiserver", ".log");
        Process server = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), ServerMain.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String url = awaitUrl(log);
            long empty = rss(server.pid());
            throughputTo(url + "/api/v1/namespaces/default/pods", 10_000);
            System.gc();
            Thread.sleep(500);
            long full = rss(server.pid());
            System.out.printf("BENCH API server RSS: empty %d MiB, holding 10,000 pods %d MiB (+%d MiB, "
                    + "%.1f KiB per pod)%n", empty >> 20, full >> 20, (full - empty) >> 20, (full - empty) / 1024.0 / 10_000);
            assertThat(full).isPositive();
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
            server.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static void throughputTo(String pods, int count) throws Exception {
        throughput(pods, count / CLIENTS, "m");
    }

    private static String awaitUrl(Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("serving ")) {
                    return line.substring("serving ".length()).strip();
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the API server did not start: " + Files.readString(log));
    }

    /** Resident set size of a process, from /proc. */
    private static long rss(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
