package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kthw.testing.RealEtcd;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A three-member etcd loses its leader under steady writes (chapter 02, "Why three
 * members"): the two left elect a new leader, the API server's etcd client moves to
 * them, and no write the API server acknowledged is lost. Prints how long writes
 * stopped; asserts only that they came back, never a time.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EtcdFailoverTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
    static final int WRITERS = 4;

    @Test
    void killingTheLeaderUnderWriteLoadLosesNoAcknowledgedWrite() throws Exception {
        try (RealEtcd etcd = RealEtcd.start(3);
             ApiServer server = ApiServer.start(new ApiServer.Config("127.0.0.1", 0, "/registry"),
                     etcd.storage(Duration.ofSeconds(5)), Clock.systemUTC())) {
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong lastSuccess = new AtomicLong(System.nanoTime());
            AtomicLong longestGap = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<?>> writers = new java.util.ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; running.get(); i++) {
                        String name = "w" + writer + "-" + i;
                        try {
                            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + CONFIGMAPS))
                                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"" + name
                                            + "\"},\"data\":{\"i\":\"" + i + "\"}}")).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 201) {
                                acknowledged.add(name);
                                long now = System.nanoTime();
                                long previous = lastSuccess.getAndSet(now);
                                longestGap.accumulateAndGet(now - previous, Math::max);
                            } else {
                                failures.incrementAndGet();
                            }
                        } catch (java.io.IOException e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(2000);
            int leader = etcd.etcd().leader();
            int before = acknowledged.size();
            long killedAt = System.nanoTime();
            etcd.etcd().kill(leader);                          // SIGKILL: a crash, not a polite stop
            while (acknowledged.size() <= before + WRITERS && System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(60)) {
                Thread.sleep(10);
            }
            double serving = (System.nanoTime() - killedAt) / 1e9;
            Thread.sleep(2000);
            running.set(false);
            for (Future<?> f : writers) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + CONFIGMAPS)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Set<String> stored = new HashSet<>();
            StreamSupport.stream(new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.body()).path("items")
                    .spliterator(), false).forEach(i -> stored.add(i.path("metadata").path("name").asText()));
            System.out.printf("etcd failover: killed leader member %d; writes flowing again after %.2f s; longest gap "
                    + "between acknowledged writes %.2f s; %d writes acknowledged, %d failed (503/timeouts)%n",
                    leader, serving, longestGap.get() / 1e9, acknowledged.size(), failures.get());
            assertThat(acknowledged.size()).as("writes resumed after the leader died").isGreaterThan(before + WRITERS);
            assertThat(stored).as("every acknowledged write is stored").containsAll(acknowledged);
        }
    }
}
