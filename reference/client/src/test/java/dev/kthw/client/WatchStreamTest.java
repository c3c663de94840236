package dev.kthw.client;

import static dev.kthw.client.Fixtures.CONFIGMAPS;
import static dev.kthw.client.Fixtures.configMap;
import static dev.kthw.client.Fixtures.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.apiserver.ApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Watching through the client: the frames of a real API server's watch stream, its end,
 * and the 410 that tells a client its resourceVersion is too old (chapter 03, "Talking to
 * the API server"; the protocol is chapter 01's).
 */
class WatchStreamTest {

    /** The store keeps 20 events, so 30 writes push a resourceVersion out of its history. */
    final ApiServer server = Fixtures.apiServer(20);
    final KubeClient client = new KubeClient(server.url(), "test");

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aWatchFromAResourceVersionSeesEveryLaterChangeInOrder() {
        String from = client.list(CONFIGMAPS).path("metadata").path("resourceVersion").asText();
        ObjectNode created = client.create(CONFIGMAPS, configMap("settings", "colour", "blue"));
        ObjectNode changed = created.deepCopy();
        ((ObjectNode) changed.get("data")).put("colour", "green");
        ObjectNode updated = client.update(CONFIGMAPS + "/settings", changed);
        client.delete(CONFIGMAPS + "/settings");

        try (WatchStream watch = client.watch(CONFIGMAPS, from, Map.of("timeoutSeconds", "5"))) {
            WatchEvent added = watch.next();
            WatchEvent modified = watch.next();
            WatchEvent deleted = watch.next();

            assertThat(added.type()).isEqualTo(WatchEvent.Type.ADDED);
            assertThat(added.object()).isEqualTo(created);
            assertThat(modified.type()).isEqualTo(WatchEvent.Type.MODIFIED);
            assertThat(modified.object()).isEqualTo(updated);
            assertThat(deleted.type()).isEqualTo(WatchEvent.Type.DELETED);
            assertThat(name(deleted.object())).isEqualTo("settings");
            assertThat(Long.parseLong(deleted.resourceVersion())).isGreaterThan(Long.parseLong(modified.resourceVersion()));
        }
    }

    @Test
    void theStreamEndsWhenTheServerEndsItEvenPastTheRequestTimeout() {
        String from = client.list(CONFIGMAPS).path("metadata").path("resourceVersion").asText();
        KubeClient impatient = client.withTimeout(Duration.ofMillis(500));
        Instant start = Instant.now();

        try (WatchStream watch = impatient.watch(CONFIGMAPS, from, Map.of("timeoutSeconds", "2"))) {
            assertThat(watch.next()).as("nothing changed: the server's timeoutSeconds ends the stream").isNull();
        }

        assertThat(Duration.between(start, Instant.now()))
                .as("the request timeout covers the headers, not the stream").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void closeFromAnotherThreadWakesAWaitingReader() throws Exception {
        String from = client.list(CONFIGMAPS).path("metadata").path("resourceVersion").asText();
        WatchStream watch = client.watch(CONFIGMAPS, from, Map.of("timeoutSeconds", "60"));
        CompletableFuture<WatchEvent> reader = CompletableFuture.supplyAsync(watch::next);
        Thread.sleep(200);   // let the reader block in next()

        watch.close();

        assertThat(reader.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(watch.next()).as("a closed stream stays ended").isNull();
    }

    @Test
    void aResourceVersionOutOfHistoryEndsTheWatchWithGone() {
        String from = client.list(CONFIGMAPS).path("metadata").path("resourceVersion").asText();
        for (int i = 0; i < 30; i++) {
            client.create(CONFIGMAPS, configMap("cm-" + i, "n", "" + i));
        }

        try (WatchStream watch = client.watch(CONFIGMAPS, from, Map.of("timeoutSeconds", "5"))) {
            WatchEvent error = watch.next();

            assertThat(error.type()).isEqualTo(WatchEvent.Type.ERROR);
            assertThat(error.isGone()).isTrue();
            assertThat(error.status().code()).isEqualTo(410);
            assertThat(error.status().reason()).isEqualTo("Expired");
            assertThat(watch.next()).as("the server ends the stream after an ERROR").isNull();
        }
    }

    @Test
    void aWatchWithABadSelectorIsRefusedWithTheServersStatus() {
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> client.watch(CONFIGMAPS, "", Map.of("labelSelector", "app in (")));

        assertThat(e.code()).isEqualTo(400);
        assertThat(e.status().reason()).isEqualTo("BadRequest");
    }
}
