package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Writers racing on one object (chapter 01, resourceVersion): patches without a version
 * of their own are applied to the newest object, so none is lost; a forged continue
 * token and a watch from a revision the store has not reached get clear errors.
 */
class ConcurrentWritesHttpTest {

    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

    final ApiServer server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));

    @AfterEach
    void stop() {
        server.close();
    }

    RawHttp.Reply send(String method, String path, String contentType, String body) throws Exception {
        return RawHttp.send(server, method, path, contentType, body);
    }

    @Test
    void concurrentPatchesAllLand() throws Exception {
        send("POST", CONFIGMAPS, "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"shared\"}}");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> codes = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            String patch = "{\"data\":{\"k" + i + "\":\"v" + i + "\"}}";
            String type = i % 2 == 0 ? "application/merge-patch+json" : "application/strategic-merge-patch+json";
            codes.add(pool.submit(() -> send("PATCH", CONFIGMAPS + "/shared", type, patch).code()));
        }
        for (Future<Integer> code : codes) {
            assertThat(code.get()).isEqualTo(200);
        }
        pool.shutdown();

        JsonNode data = send("GET", CONFIGMAPS + "/shared", null, null).body().path("data");
        assertThat(data.size()).as("every patch's key is there: " + data).isEqualTo(80);
    }

    @Test
    void aPatchNamingAStaleVersionIsAConflict() throws Exception {
        send("POST", CONFIGMAPS, "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"shared\"}}");
        String version = send("PATCH", CONFIGMAPS + "/shared", "application/merge-patch+json",
                "{\"data\":{\"a\":\"1\"}}").body().path("metadata").path("resourceVersion").asText();
        send("PATCH", CONFIGMAPS + "/shared", "application/merge-patch+json", "{\"data\":{\"b\":\"2\"}}");

        RawHttp.Reply stale = send("PATCH", CONFIGMAPS + "/shared", "application/merge-patch+json",
                "{\"metadata\":{\"resourceVersion\":\"" + version + "\"},\"data\":{\"c\":\"3\"}}");

        assertThat(stale.code()).isEqualTo(409);
        assertThat(stale.body().path("reason").asText()).isEqualTo("Conflict");
    }

    @Test
    void aForgedContinueTokenIsABadRequest() throws Exception {
        String token = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("999999\n/registry/configmaps/default/x".getBytes());

        RawHttp.Reply list = send("GET", CONFIGMAPS + "?limit=1&continue=" + token, null, null);

        assertThat(list.code()).isEqualTo(400);
        assertThat(list.body().path("message").asText()).startsWith("continue key is not valid");
    }

    @Test
    void aWatchFromTheFutureEndsWithTooLargeResourceVersion() throws Exception {
        RawHttp.Reply watch = send("GET", CONFIGMAPS + "?watch=true&resourceVersion=999999&timeoutSeconds=5",
                null, null);

        JsonNode event = watch.body();   // one line: the ERROR event, then the stream ends
        assertThat(event.path("type").asText()).isEqualTo("ERROR");
        assertThat(event.path("object").path("code").asInt()).isEqualTo(504);
        assertThat(event.path("object").path("message").asText()).startsWith("Too large resource version: 999999");
    }

    /** NamespaceLifecycle, from its cache or the store: a namespace created just now takes objects at once. */
    @Test
    void objectsGoIntoANewNamespaceAtOnceAndNotIntoOneBeingDeleted() throws Exception {
        for (int i = 0; i < 20; i++) {
            send("POST", "/api/v1/namespaces", "application/json",
                    "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"ns-" + i + "\"}}");
            assertThat(send("POST", "/api/v1/namespaces/ns-" + i + "/configmaps", "application/json",
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}").code())
                    .as("a create right after its namespace's").isEqualTo(201);
        }
        send("POST", "/api/v1/namespaces", "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                + "\"metadata\":{\"name\":\"closing\",\"finalizers\":[\"example.com/wait\"]}}");
        send("DELETE", "/api/v1/namespaces/closing", null, null);

        RawHttp.Reply refused = send("POST", "/api/v1/namespaces/closing/configmaps", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");

        assertThat(refused.code()).isEqualTo(403);
        assertThat(refused.body().path("message").asText())
                .isEqualTo("unable to create new content in namespace closing because it is being terminated");
        assertThat(send("POST", "/api/v1/namespaces/nowhere/configmaps", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}").code())
                .isEqualTo(404);
    }
}
