package dev.kthw.client;

import static dev.kthw.client.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bookmark moves the informer's resourceVersion on without any object changing, so
 * its next watch starts from there and the server does not replay what the selector
 * filtered out (chapter 04, "Informers"). kthw's API server sends bookmarks once a
 * minute, too rarely for a test, so a scripted server plays the watch here.
 */
class InformerBookmarkTest {

    final HttpServer fake;
    final List<String> watchedFrom = new CopyOnWriteArrayList<>();

    InformerBookmarkTest() throws IOException {
        fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        fake.createContext("/api/v1/configmaps", this::serve);
        fake.start();
    }

    @AfterEach
    void stop() {
        fake.stop(0);
    }

    /** A list at version 10; the first watch sends a BOOKMARK at 50 and ends; later watches end at once. */
    void serve(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        if (query == null || !query.contains("watch=true")) {
            send(exchange, "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"10\"},"
                    + "\"items\":[]}");
            return;
        }
        watchedFrom.add(query.replaceAll(".*resourceVersion=([0-9]*).*", "$1"));
        send(exchange, watchedFrom.size() == 1
                ? "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\","
                        + "\"metadata\":{\"resourceVersion\":\"50\"}}}\n"
                : "");
    }

    static void send(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void theWatchAfterABookmarkStartsFromTheBookmarksVersion() throws Exception {
        Recorder recorder = new Recorder("n");
        try (Informer informer = new Informer(new KubeClient("http://127.0.0.1:" + fake.getAddress().getPort(), "test"),
                "/api/v1/configmaps", Informer.Options.defaults().withBackoff(Duration.ofMillis(50),
                        Duration.ofMillis(50))).addEventHandler(recorder)) {
            informer.start();

            assertThat(eventually(Duration.ofSeconds(10), () -> watchedFrom.size() >= 2)).isTrue();

            assertThat(watchedFrom.subList(0, 2)).containsExactly("10", "50");
            assertThat(informer.lastResourceVersion()).isEqualTo("50");
            assertThat(informer.lists()).isEqualTo(1);
            assertThat(recorder.seen()).as("a bookmark is not a change").isEmpty();
        }
    }
}
