package dev.kthw.client;

import static dev.kthw.client.Fixtures.PODS;
import static dev.kthw.client.Fixtures.eventually;
import static dev.kthw.client.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.apiserver.ApiServer;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Events as kube components write them, read back from a real API server with the
 * fields {@code kubectl describe} shows; and recording never fails or blocks the caller
 * (chapter 03, "Events").
 */
class EventRecorderTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final Instant NOW = Instant.parse("2026-03-01T12:34:56.789Z");

    final ApiServer server = Fixtures.apiServer(1000);
    final KubeClient client = new KubeClient(server.url(), "test");
    final EventRecorder recorder = new EventRecorder(client, "default-scheduler", "host-1",
            Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void stop() {
        recorder.close();
        server.close();
    }

    List<JsonNode> events(String namespace) {
        List<JsonNode> events = new ArrayList<>();
        client.list("/api/v1/namespaces/" + namespace + "/events").path("items").forEach(events::add);
        return events;
    }

    @Test
    void anEventAboutAPodIsStoredWithEverythingDescribeShows() throws Exception {
        ObjectNode pod = client.create(PODS, pod("web"));

        recorder.normal(pod, "Scheduled", "Successfully assigned default/web to node-1");

        assertThat(eventually(WAIT, () -> events("default").size() == 1)).isTrue();
        JsonNode event = events("default").get(0);
        assertThat(event.path("metadata").path("name").asText()).matches("web\\.[0-9a-f]+");
        JsonNode involved = event.path("involvedObject");
        assertThat(involved.path("kind").asText()).isEqualTo("Pod");
        assertThat(involved.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(involved.path("namespace").asText()).isEqualTo("default");
        assertThat(involved.path("name").asText()).isEqualTo("web");
        assertThat(involved.path("uid").asText()).isEqualTo(pod.path("metadata").path("uid").asText());
        assertThat(involved.path("resourceVersion").asText())
                .isEqualTo(pod.path("metadata").path("resourceVersion").asText());
        assertThat(event.path("type").asText()).isEqualTo("Normal");
        assertThat(event.path("reason").asText()).isEqualTo("Scheduled");
        assertThat(event.path("message").asText()).isEqualTo("Successfully assigned default/web to node-1");
        assertThat(event.path("source").path("component").asText()).isEqualTo("default-scheduler");
        assertThat(event.path("reportingComponent").asText()).isEqualTo("default-scheduler");
        assertThat(event.path("reportingInstance").asText()).isEqualTo("host-1");
        assertThat(event.path("firstTimestamp").asText()).isEqualTo("2026-03-01T12:34:56Z");
        assertThat(event.path("lastTimestamp").asText()).isEqualTo("2026-03-01T12:34:56Z");
        assertThat(event.path("count").asInt()).isEqualTo(1);
    }

    @Test
    void twoEventsInTheSameInstantGetTwoNames() throws Exception {
        ObjectNode pod = client.create(PODS, pod("web"));

        recorder.warning(pod, "FailedScheduling", "0/0 nodes are available");
        recorder.warning(pod, "FailedScheduling", "0/1 nodes are available");

        assertThat(eventually(WAIT, () -> events("default").size() == 2)).isTrue();
        assertThat(events("default")).extracting(e -> e.path("message").asText())
                .containsExactlyInAnyOrder("0/0 nodes are available", "0/1 nodes are available");
        assertThat(events("default")).allMatch(e -> e.path("type").asText().equals("Warning"));
    }

    @Test
    void anEventAboutAClusterWideObjectGoesToTheDefaultNamespace() throws Exception {
        ObjectNode node = KubeClient.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", "node-1");
        ObjectNode created = client.create("/api/v1/nodes", node);

        recorder.normal(created, "NodeReady", "Node node-1 status is now: NodeReady");

        assertThat(eventually(WAIT, () -> events("default").size() == 1)).isTrue();
        JsonNode involved = events("default").get(0).path("involvedObject");
        assertThat(involved.path("kind").asText()).isEqualTo("Node");
        assertThat(involved.has("namespace")).isFalse();
    }

    @Test
    void recordingWithoutAServerNeitherThrowsNorBlocks() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ObjectNode pod = client.create(PODS, pod("web"));
        Instant start = Instant.now();

        try (EventRecorder nowhere = new EventRecorder(new KubeClient("http://127.0.0.1:" + port, "test"),
                "kubelet", "node-1")) {
            for (int i = 0; i < EventRecorder.QUEUE_LIMIT + 10; i++) {   // more than the queue holds
                nowhere.warning(pod, "Failed", "attempt " + i);
            }
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(2));
        }
    }
}
