package dev.kthw.scheduler;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The scheduler's {@code /metrics} (Prometheus text format 0.0.4) and {@code /healthz},
 * with kube-scheduler's metric names so its dashboards' queries work:
 *
 * <ul>
 * <li>{@code scheduler_schedule_attempts_total{profile,result}}: result is scheduled,
 *     unschedulable or error;</li>
 * <li>{@code scheduler_scheduling_attempt_duration_seconds{profile,result}}: a histogram
 *     from the pod leaving the queue to its binding (or its failure), kube's buckets;</li>
 * <li>{@code scheduler_pending_pods{queue}}: active, backoff, unschedulable;</li>
 * <li>{@code scheduler_preemption_attempts_total} and {@code leader_election_master_status}.</li>
 * </ul>
 *
 * <p>Written by hand rather than with the Prometheus client: a dozen lines of text. Plain
 * HTTP on the bind address; kube-scheduler serves these over HTTPS on 10259, with
 * authentication (chapter 10 brings certificates).
 */
final class Metrics {

    /** kube-scheduler's buckets: 1 ms doubling 15 times (up to about 16 s). */
    private static final double[] BUCKETS = new double[15];

    static {
        for (int i = 0; i < BUCKETS.length; i++) {
            BUCKETS[i] = 0.001 * Math.pow(2, i);
        }
    }

    /** One histogram: counts per bucket (not cumulative), their sum and count. */
    private static final class Histogram {
        final long[] counts = new long[BUCKETS.length + 1];
        double sum;
        long count;
    }

    // Guarded by this: written by the scheduling and binding threads, read by /metrics.
    private final Map<String, Long> attempts = new TreeMap<>();          // "profile\0result" → count
    private final Map<String, Histogram> durations = new TreeMap<>();
    private long preemptionAttempts;

    synchronized void attempt(String profile, String result, Duration took) {
        String key = profile + "\0" + result;
        attempts.merge(key, 1L, Long::sum);
        Histogram h = durations.computeIfAbsent(key, k -> new Histogram());
        double seconds = took.toNanos() / 1e9;
        int bucket = 0;
        while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]) {
            bucket++;
        }
        h.counts[bucket]++;
        h.sum += seconds;
        h.count++;
    }

    synchronized void preemptionAttempt() {
        preemptionAttempts++;
    }

    synchronized long attempts(String profile, String result) {
        return attempts.getOrDefault(profile + "\0" + result, 0L);
    }

    synchronized String render(SchedulingQueue.Pending pending, boolean leader) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP scheduler_schedule_attempts_total Number of attempts to schedule pods, by the result.\n");
        out.append("# TYPE scheduler_schedule_attempts_total counter\n");
        attempts.forEach((key, n) -> out.append("scheduler_schedule_attempts_total").append(labels(key)).append(' ')
                .append(n).append('\n'));
        out.append("# HELP scheduler_scheduling_attempt_duration_seconds Scheduling attempt latency in seconds.\n");
        out.append("# TYPE scheduler_scheduling_attempt_duration_seconds histogram\n");
        durations.forEach((key, h) -> {
            String l = labels(key);
            String open = l.substring(0, l.length() - 1) + ",le=\"";
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += h.counts[i];
                out.append("scheduler_scheduling_attempt_duration_seconds_bucket").append(open).append(BUCKETS[i])
                        .append("\"} ").append(cumulative).append('\n');
            }
            out.append("scheduler_scheduling_attempt_duration_seconds_bucket").append(open).append("+Inf\"} ")
                    .append(h.count).append('\n');
            out.append("scheduler_scheduling_attempt_duration_seconds_sum").append(l).append(' ').append(h.sum)
                    .append('\n');
            out.append("scheduler_scheduling_attempt_duration_seconds_count").append(l).append(' ').append(h.count)
                    .append('\n');
        });
        out.append("# HELP scheduler_pending_pods Number of pending pods, by the queue type.\n");
        out.append("# TYPE scheduler_pending_pods gauge\n");
        out.append("scheduler_pending_pods{queue=\"active\"} ").append(pending.active()).append('\n');
        out.append("scheduler_pending_pods{queue=\"backoff\"} ").append(pending.backoff()).append('\n');
        out.append("scheduler_pending_pods{queue=\"unschedulable\"} ").append(pending.unschedulable()).append('\n');
        out.append("# HELP scheduler_preemption_attempts_total Total preemption attempts in the cluster till now.\n");
        out.append("# TYPE scheduler_preemption_attempts_total counter\n");
        out.append("scheduler_preemption_attempts_total ").append(preemptionAttempts).append('\n');
        out.append("# HELP leader_election_master_status 1 if this instance is the leader, else 0.\n");
        out.append("# TYPE leader_election_master_status gauge\n");
        out.append("leader_election_master_status{name=\"kube-scheduler\"} ").append(leader ? 1 : 0).append('\n');
        return out.toString();
    }

    private static String labels(String key) {
        int cut = key.indexOf('\0');
        return "{profile=\"" + key.substring(0, cut) + "\",result=\"" + key.substring(cut + 1) + "\"}";
    }

    /** Serves /healthz and /metrics on host:port (0: any free port) until stopped. */
    HttpServer serve(String host, int port, Supplier<SchedulingQueue.Pending> pending, BooleanSupplier healthy,
            BooleanSupplier leader) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/healthz", ex -> reply(ex, healthy.getAsBoolean() ? 200 : 500,
                "text/plain; charset=utf-8", healthy.getAsBoolean() ? "ok" : "not healthy"));
        server.createContext("/readyz", ex -> reply(ex, healthy.getAsBoolean() ? 200 : 500,
                "text/plain; charset=utf-8", healthy.getAsBoolean() ? "ok" : "not ready"));
        server.createContext("/metrics", ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                render(pending.get(), leader.getAsBoolean())));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "scheduler-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return server;
    }

    private static void reply(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
