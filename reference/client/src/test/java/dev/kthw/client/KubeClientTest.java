package dev.kthw.client;

import static dev.kthw.client.Fixtures.CONFIGMAPS;
import static dev.kthw.client.Fixtures.PODS;
import static dev.kthw.client.Fixtures.configMap;
import static dev.kthw.client.Fixtures.data;
import static dev.kthw.client.Fixtures.labelled;
import static dev.kthw.client.Fixtures.name;
import static dev.kthw.client.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.apiserver.ApiServer;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The REST client against a real API server: each verb does what kubectl's would, and
 * every refusal arrives as an ApiException carrying the server's Status (chapter 03,
 * "Talking to the API server").
 */
class KubeClientTest {

    final ApiServer server = Fixtures.apiServer(1000);
    final KubeClient client = new KubeClient(server.url(), "test");

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void createGetUpdateAndDeleteAnObject() {
        ObjectNode created = client.create(CONFIGMAPS, configMap("settings", "colour", "blue"));
        ObjectNode read = client.get(CONFIGMAPS + "/settings");
        ObjectNode changed = read.deepCopy();
        ((ObjectNode) changed.get("data")).put("colour", "green");
        ObjectNode updated = client.update(CONFIGMAPS + "/settings", changed);
        client.delete(CONFIGMAPS + "/settings");

        assertThat(created.path("metadata").path("uid").asText()).isNotEmpty();
        assertThat(read).isEqualTo(created);
        assertThat(data(updated, "colour")).isEqualTo("green");
        assertThat(updated.path("metadata").path("resourceVersion").asLong())
                .isGreaterThan(created.path("metadata").path("resourceVersion").asLong());
        ApiException gone = catchThrowableOfType(ApiException.class, () -> client.get(CONFIGMAPS + "/settings"));
        assertThat(gone.code()).isEqualTo(404);
    }

    @Test
    void aMissingObjectIsNotFoundWithTheServersMessage() {
        ApiException e = catchThrowableOfType(ApiException.class, () -> client.get(CONFIGMAPS + "/nothing"));

        assertThat(e.code()).isEqualTo(404);
        assertThat(e.status().reason()).isEqualTo("NotFound");
        assertThat(e.status().message()).isEqualTo("configmaps \"nothing\" not found");
        assertThat(e.getMessage()).isEqualTo(e.status().message());
    }

    @Test
    void aSecondCreateOfOneNameIsAlreadyExists() {
        client.create(CONFIGMAPS, configMap("settings", "colour", "blue"));

        ApiException e = catchThrowableOfType(ApiException.class,
                () -> client.create(CONFIGMAPS, configMap("settings", "colour", "red")));

        assertThat(e.code()).isEqualTo(409);
        assertThat(e.status().reason()).isEqualTo("AlreadyExists");
        assertThat(data(client.get(CONFIGMAPS + "/settings"), "colour")).isEqualTo("blue");
    }

    @Test
    void anUpdateFromAStaleResourceVersionIsAConflict() {
        ObjectNode first = client.create(CONFIGMAPS, configMap("settings", "colour", "blue"));
        ObjectNode mine = first.deepCopy();
        ObjectNode theirs = first.deepCopy();
        ((ObjectNode) theirs.get("data")).put("colour", "red");
        client.update(CONFIGMAPS + "/settings", theirs);   // someone else wrote first
        ((ObjectNode) mine.get("data")).put("colour", "green");

        ApiException e = catchThrowableOfType(ApiException.class, () -> client.update(CONFIGMAPS + "/settings", mine));

        assertThat(e.code()).isEqualTo(409);
        assertThat(e.status().reason()).isEqualTo("Conflict");
        assertThat(data(client.get(CONFIGMAPS + "/settings"), "colour")).isEqualTo("red");
    }

    @Test
    void aMergePatchChangesOnlyWhatItNames() {
        ObjectNode cm = configMap("settings", "colour", "blue");
        ((ObjectNode) cm.get("data")).put("size", "large");
        client.create(CONFIGMAPS, cm);
        ObjectNode patch = KubeClient.JSON.createObjectNode();
        patch.putObject("data").put("colour", "green").putNull("size");

        ObjectNode patched = client.patch(CONFIGMAPS + "/settings", KubeClient.PatchType.MERGE, patch);

        assertThat(patched.path("data").size()).isEqualTo(1);
        assertThat(data(patched, "colour")).isEqualTo("green");
    }

    @Test
    void aListFollowsContinueTokensAndKeepsTheSelector() {
        for (int i = 0; i < 7; i++) {
            client.create(CONFIGMAPS, labelled(configMap("web-" + i, "n", "" + i), "app", "web"));
        }
        client.create(CONFIGMAPS, labelled(configMap("db", "n", "x"), "app", "db"));

        ObjectNode firstPage = client.listPage(CONFIGMAPS, Map.of("labelSelector", "app=web", "limit", "3"));
        ObjectNode all = client.list(CONFIGMAPS, Map.of("labelSelector", "app=web", "limit", "3"));

        assertThat(firstPage.path("items").size()).isEqualTo(3);
        assertThat(firstPage.path("metadata").path("continue").asText()).isNotEmpty();
        List<String> names = new ArrayList<>();
        all.path("items").forEach(item -> names.add(name(item)));
        assertThat(names).containsExactly("web-0", "web-1", "web-2", "web-3", "web-4", "web-5", "web-6");
        assertThat(all.path("metadata").has("continue")).isFalse();
        assertThat(all.path("metadata").path("resourceVersion").asText()).matches("[1-9][0-9]*");
        assertThat(all.path("items").get(0).path("kind").asText()).as("items know their kind").isEqualTo("ConfigMap");
    }

    @Test
    void aBindingPostedToThePodsSubresourceAssignsItOnce() {
        client.create(PODS, pod("web"));
        ObjectNode binding = KubeClient.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Binding");
        binding.putObject("metadata").put("name", "web");
        binding.putObject("target").put("apiVersion", "v1").put("kind", "Node").put("name", "node-1");

        client.post(PODS + "/web/binding", binding);
        ApiException second = catchThrowableOfType(ApiException.class,
                () -> client.post(PODS + "/web/binding", binding));

        assertThat(client.get(PODS + "/web").path("spec").path("nodeName").asText()).isEqualTo("node-1");
        assertThat(second.code()).isEqualTo(409);
    }

    @Test
    void updateStatusChangesTheStatusAndNothingElse() {
        ObjectNode pod = client.create(PODS, pod("web"));
        ObjectNode changed = pod.deepCopy();
        changed.putObject("status").put("phase", "Running");
        ((ObjectNode) changed.get("metadata")).putObject("labels").put("sneaky", "yes");

        ObjectNode updated = client.updateStatus(PODS + "/web", changed);

        assertThat(updated.path("status").path("phase").asText()).isEqualTo("Running");
        assertThat(updated.path("metadata").has("labels")).as("metadata is not written through /status").isFalse();
    }

    @Test
    void aPathTheServerDoesNotServeIsNotFoundToo() {
        ApiException e = catchThrowableOfType(ApiException.class, () -> client.get("/api/v1/namespaces/default/gizmos"));

        assertThat(e.code()).isEqualTo(404);
        assertThat(e.status().reason()).isEqualTo("NotFound");
    }

    @Test
    void aServerThatIsNotThereIsUnreachableNotAnApiError() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        KubeClient nowhere = new KubeClient("http://127.0.0.1:" + port, "test");

        assertThatThrownBy(() -> nowhere.get(CONFIGMAPS))
                .isInstanceOf(ServerUnreachableException.class)
                .hasMessageContaining("cannot reach the API server at http://127.0.0.1:" + port);
    }

    @Test
    void aDeleteReturnsWhatWasDeleted() {
        client.create(CONFIGMAPS, configMap("settings", "colour", "blue"));

        JsonNode deleted = client.delete(CONFIGMAPS + "/settings");

        assertThat(name(deleted)).isEqualTo("settings");
        assertThat(client.list(CONFIGMAPS).path("items").size()).isZero();
    }
}
