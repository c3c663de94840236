package dev.kthw.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.apiserver.ApiServer;
import dev.kthw.store.MemoryStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** What the client tests share: a real API server to talk to, and small objects to send it. */
final class Fixtures {

    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
    static final String PODS = "/api/v1/namespaces/default/pods";

    private Fixtures() {
    }

    /**
     * A real API server on the memory store, on a free port. The store keeps only
     * {@code history} events, so a test can make a resourceVersion too old to watch from.
     */
    static ApiServer apiServer(int history) {
        return ApiServer.start(new ApiServer.Config("127.0.0.1", 0, "/registry"), new MemoryStorage(history, 1000),
                Clock.systemUTC());
    }

    static ObjectNode configMap(String name, String key, String value) {
        ObjectNode cm = KubeClient.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", name);
        cm.putObject("data").put(key, value);
        return cm;
    }

    static ObjectNode labelled(ObjectNode object, String key, String value) {
        ((ObjectNode) object.get("metadata")).putObject("labels").put(key, value);
        return object;
    }

    static ObjectNode pod(String name) {
        ObjectNode pod = KubeClient.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name);
        pod.putObject("spec").putArray("containers").addObject().put("name", "main").put("image", "busybox");
        return pod;
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    static String data(JsonNode object, String key) {
        return object.path("data").path(key).asText();
    }

    /** Waits until {@code condition} holds; false if it still does not after {@code timeout}. */
    static boolean eventually(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
