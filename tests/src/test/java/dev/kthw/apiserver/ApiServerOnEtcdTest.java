package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kthw.store.EtcdStorage;
import dev.kthw.testing.ManualClock;
import dev.kthw.testing.RealEtcd;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.LeaseOption;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The API server on the etcd store (chapter 02), over HTTP as kubectl sees it, against a
 * real etcd: the same REST behaviour as on the memory store, 410 once a revision is
 * compacted (naming the revision etcd compacted to), Events on a fresh lease at every
 * write, 503 and a failing /readyz while etcd is down (and recovery without a restart),
 * and nothing acknowledged lost when the API server is killed.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ApiServerOnEtcdTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

    RealEtcd etcd;
    ApiServer server;

    @BeforeEach
    void start() throws Exception {
        etcd = RealEtcd.start(1);
        server = ApiServer.start(new ApiServer.Config("127.0.0.1", 0, "/registry"), etcd.storage(Duration.ofSeconds(2)),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    record Response(int code, JsonNode body) {
    }

    static Response send(String url, String method, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().startsWith("{") ? JSON.readTree(r.body()) : JSON.getNodeFactory().textNode(r.body());
        return new Response(r.statusCode(), json);
    }

    static String configMap(String name, String value) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"data\":{\"v\":\"" + value + "\"}}";
    }

    @Test
    void objectsAreJsonUnderKubernetesKeysAndTheirResourceVersionIsTheModRevision() throws Exception {
        Response created = send(server.url() + CONFIGMAPS, "POST", configMap("settings", "blue"));
        assertThat(created.code()).as(created.body().toString()).isEqualTo(201);

        try (EtcdStorage raw = etcd.storage()) {
            var kv = raw.get("/registry/configmaps/default/settings").orElseThrow();
            assertThat(created.body().path("metadata").path("resourceVersion").asText())
                    .isEqualTo(String.valueOf(kv.modRevision()));
            JsonNode stored = JSON.readTree(kv.value());
            assertThat(stored.path("data").path("v").asText()).isEqualTo("blue");
            assertThat(stored.path("metadata").has("resourceVersion")).as("the revision is not stored twice").isFalse();
            assertThat(raw.get("/registry/namespaces/default")).as("cluster-scoped: no namespace segment").isPresent();
        }
        Response node = send(server.url() + "/api/v1/nodes", "POST",
                "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\"}}");
        assertThat(node.code()).isEqualTo(201);
        try (EtcdStorage raw = etcd.storage()) {
            assertThat(raw.get("/registry/minions/n1")).as("nodes keep their historical name").isPresent();
        }
    }

    @Test
    void aPagedListAndAWatchFromAResourceVersionWorkAsOnTheMemoryStore() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            assertThat(send(server.url() + CONFIGMAPS, "POST", configMap(name, "0")).code()).isEqualTo(201);
        }
        Response first = send(server.url() + CONFIGMAPS + "?limit=2", "GET", null);
        String rv = first.body().path("metadata").path("resourceVersion").asText();
        send(server.url() + CONFIGMAPS + "/c", "DELETE", null);
        Response second = send(server.url() + CONFIGMAPS + "?limit=2&continue="
                + first.body().path("metadata").path("continue").asText(), "GET", null);
        assertThat(second.body().path("items")).extracting(i -> i.path("metadata").path("name").asText())
                .containsExactly("c");

        List<String> lines = watchLines(server.url() + CONFIGMAPS + "?watch=true&timeoutSeconds=2&resourceVersion=" + rv);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("{\"type\":\"DELETED\"").contains("\"name\":\"c\"");
    }

    @Test
    void aCompactedResourceVersionIs410Expired() throws Exception {
        Response created = send(server.url() + CONFIGMAPS, "POST", configMap("x", "0"));
        String old = created.body().path("metadata").path("resourceVersion").asText();
        send(server.url() + CONFIGMAPS + "/x", "PUT", configMap("x", "1"));
        long compactedTo;
        try (EtcdStorage raw = etcd.storage()) {     // compacted by another client, as another API server would
            compactedTo = raw.currentRevision();
            raw.compact(compactedTo);
        }
        long tooOld = Long.parseLong(old) - 1;
        List<String> lines = watchLines(server.url() + CONFIGMAPS + "?watch=true&resourceVersion=" + tooOld);
        assertThat(lines).hasSize(1);
        JsonNode error = JSON.readTree(lines.get(0));
        assertThat(error.path("type").asText()).isEqualTo("ERROR");
        assertThat(error.path("object").path("code").asInt()).isEqualTo(410);
        assertThat(error.path("object").path("message").asText()).as("the oldest revision etcd still has")
                .isEqualTo("too old resource version: " + tooOld + " (" + compactedTo + ")");
    }

    @Test
    void anUpdatedEventIsPutOnAFreshLeaseSoItLivesAFullTtlAfterItsLastWrite() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
        String events = "/api/v1/namespaces/default/events";
        try (ApiServer timed = ApiServer.start(new ApiServer.Config("127.0.0.1", 0, "/registry"),
                etcd.storage(Duration.ofSeconds(5), clock), clock);
             Client client = Client.builder().endpoints(etcd.endpoints()).build()) {
            Response created = send(timed.url() + events, "POST", event("web.crash", 1));
            assertThat(created.code()).as(created.body().toString()).isEqualTo(201);
            long first = leaseOf(client, "/registry/events/default/web.crash");
            clock.advance(Duration.ofMinutes(2));     // past the minute in which Events share a lease

            Response updated = send(timed.url() + events + "/web.crash", "PUT", event("web.crash", 2));
            long renewed = leaseOf(client, "/registry/events/default/web.crash");

            assertThat(updated.code()).as(updated.body().toString()).isEqualTo(200);
            assertThat(first).as("created with --event-ttl's lease").isNotZero();
            assertThat(renewed).as("the update's own lease, as kube-apiserver applies the TTL on every write")
                    .isNotZero().isNotEqualTo(first);
            assertThat(client.getLeaseClient().timeToLive(renewed, LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS)
                    .getGrantedTTL()).as("an hour from the update, plus the sharing window").isEqualTo(3660);
        }
    }

    static String event(String name, int count) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":\"default\",\"name\":\"web\"},"
                + "\"reason\":\"BackOff\",\"message\":\"Back-off restarting failed container\",\"count\":" + count
                + ",\"type\":\"Warning\"}";
    }

    private static long leaseOf(Client client, String key) throws Exception {
        return client.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS)
                .getKvs().get(0).getLease();
    }

    @Test
    void whileEtcdIsDownRequestsGet503AndReadyzFailsAndBothRecoverByThemselves() throws Exception {
        send(server.url() + CONFIGMAPS, "POST", configMap("before", "0"));
        etcd.etcd().stop(0);
        try {
            long start = System.nanoTime();
            Response down = send(server.url() + CONFIGMAPS + "/before", "GET", null);
            assertThat(down.code()).isEqualTo(503);
            assertThat(down.body().path("kind").asText()).isEqualTo("Status");
            assertThat(down.body().path("reason").asText()).isEqualTo("ServiceUnavailable");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no hang").isLessThan(Duration.ofSeconds(10));
            assertThat(send(server.url() + CONFIGMAPS, "POST", configMap("during", "0")).code()).isEqualTo(503);
            Response readyz = send(server.url() + "/readyz", "GET", null);
            assertThat(readyz.code()).isEqualTo(500);
            assertThat(readyz.body().asText()).contains("[-]etcd failed");
            assertThat(send(server.url() + "/livez", "GET", null).code()).as("alive, only not ready").isEqualTo(200);
        } finally {
            etcd.etcd().restart(0);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Response back;
        do {
            back = send(server.url() + CONFIGMAPS + "/before", "GET", null);
        } while (back.code() != 200 && System.nanoTime() < deadline);
        assertThat(back.code()).isEqualTo(200);
        assertThat(send(server.url() + "/readyz", "GET", null).code()).isEqualTo(200);
        assertThat(send(server.url() + CONFIGMAPS, "POST", configMap("after", "0")).code()).isEqualTo(201);
    }

    @Test
    void anAcknowledgedObjectSurvivesKill9OfTheApiServerAndAWatcherResumesExactlyOnce() throws Exception {
        Path argFile = Files.createTempFile("kthw-cp", ".args");
        try {
            Files.writeString(argFile, "-cp \"" + System.getProperty("java.class.path") + "\"\n");
            Process first = startServer(argFile);
            String url1 = readUrl(first);
            List<String> acknowledged = new ArrayList<>();
            String lastSeen = null;
            for (int i = 0; i < 20; i++) {
                Response r = send(url1 + CONFIGMAPS, "POST", configMap("acked-" + i, "v"));
                assertThat(r.code()).isEqualTo(201);
                acknowledged.add("acked-" + i);
                lastSeen = r.body().path("metadata").path("resourceVersion").asText();
            }
            first.destroyForcibly().waitFor();            // kill -9: no shutdown hook, no flush

            Process second = startServer(argFile);
            try {
                String url2 = readUrl(second);
                for (int i = 0; i < 5; i++) {
                    assertThat(send(url2 + CONFIGMAPS, "POST", configMap("later-" + i, "v")).code()).isEqualTo(201);
                }
                Response list = send(url2 + CONFIGMAPS, "GET", null);
                List<String> names = new ArrayList<>();
                list.body().path("items").forEach(item -> names.add(item.path("metadata").path("name").asText()));
                assertThat(names).containsAll(acknowledged);

                List<String> lines = watchLines(url2 + CONFIGMAPS + "?watch=true&timeoutSeconds=2&resourceVersion="
                        + lastSeen);
                List<String> seen = new ArrayList<>();
                for (String line : lines) {
                    seen.add(JSON.readTree(line).path("object").path("metadata").path("name").asText());
                }
                assertThat(seen).as("every later event, once, in order")
                        .containsExactly("later-0", "later-1", "later-2", "later-3", "later-4");
            } finally {
                second.destroyForcibly().waitFor();
            }
        } finally {
            Files.deleteIfExists(argFile);
        }
    }

    private Process startServer(Path argFile) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "@" + argFile, EtcdServerMain.class.getName(), etcd.endpoints())
                .redirectErrorStream(true).start();
    }

    private static String readUrl(Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("serving ")) {
                // Keep draining its output so the process never blocks on a full pipe.
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the process is gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return line.substring("serving ".length()).strip();
            }
        }
        throw new IllegalStateException("the API server process exited before it served");
    }

    /** Every line of a watch that ends by itself (timeoutSeconds, or an ERROR event). */
    static List<String> watchLines(String url) throws IOException, InterruptedException {
        HttpResponse<java.util.stream.Stream<String>> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofLines());
        return r.body().filter(l -> !l.isBlank()).toList();
    }
}
