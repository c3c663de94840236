package dev.kthw.apiserver;

import dev.kthw.apiserver.RawHttp.Reply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API server at the protocol level (chapter 01): raw HTTP requests, the Status
 * objects that come back, and watch frames as they arrive on the wire.
 */
class ApiServerHttpTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PODS = "/api/v1/namespaces/default/pods";

    ApiServer server;
    HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Reply call(String method, String path, String contentType, String body) throws Exception {
        return RawHttp.send(server, method, path, contentType, body);
    }

    static String pod(String name, String... labels) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < labels.length; i += 2) {
            l.append(l.length() == 0 ? "" : ",").append('"').append(labels[i]).append("\":\"").append(labels[i + 1])
                    .append('"');
        }
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{" + l
                + "}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
    }

    Reply create(String name, String... labels) throws Exception {
        return call("POST", PODS, "application/json", pod(name, labels));
    }

    @Test
    void createSetsServerFieldsAndAnswers201() throws Exception {
        Reply created = create("web");

        assertThat(created.code()).isEqualTo(201);
        JsonNode meta = created.body().get("metadata");
        assertThat(meta.get("uid").asText()).hasSize(36);
        assertThat(meta.get("resourceVersion").asText()).matches("\\d+");
        assertThat(meta.get("creationTimestamp").asText()).endsWith("Z");
        assertThat(meta.get("namespace").asText()).isEqualTo("default");
        assertThat(created.body().at("/spec/restartPolicy").asText()).isEqualTo("Always");
        assertThat(created.body().at("/status/phase").asText()).isEqualTo("Pending");
        assertThat(call("GET", PODS + "/web", null, null).body()).isEqualTo(created.body());
    }

    @Test
    void generateNameMakesAUniqueName() throws Exception {
        String body = pod("").replace("\"name\":\"\"", "\"generateName\":\"web-\"");
        Reply a = call("POST", PODS, "application/json", body);
        Reply b = call("POST", PODS, "application/json", body);
        assertThat(a.body().at("/metadata/name").asText()).matches("web-[a-z0-9]{5}");
        assertThat(a.body().at("/metadata/name")).isNotEqualTo(b.body().at("/metadata/name"));
    }

    @Test
    void errorsAreStatusObjectsWithTheRightCodeAndReason() throws Exception {
        create("web");
        assertStatus(create("web"), 409, "AlreadyExists", "pods \"web\" already exists");
        assertStatus(call("GET", PODS + "/nope", null, null), 404, "NotFound", "pods \"nope\" not found");
        assertStatus(call("POST", PODS, "application/json", "{not json"), 400, "BadRequest", null);
        assertStatus(call("POST", PODS, "text/plain", pod("x")), 415, "UnsupportedMediaType", null);
        assertStatus(call("POST", PODS, "application/json", pod("Bad_Name")), 422, "Invalid",
                "Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"");
        assertStatus(call("POST", PODS, "application/json", pod("x").replace("\"Pod\"", "\"Service\"")), 400,
                "BadRequest", "unrecognized");
        assertStatus(call("POST", "/api/v1/namespaces/nope/pods", "application/json", pod("x")), 404, "NotFound",
                "namespaces \"nope\" not found");
        assertStatus(call("PUT", PODS, "application/json", pod("x")), 405, "MethodNotAllowed", null);
        assertStatus(call("POST", PODS, "application/json", "{\"pad\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}"),
                413, "RequestEntityTooLarge", "limit is 3145728");
        assertStatus(call("GET", "/api/v1/widgets", null, null), 404, "NotFound", null);
    }

    @Test
    void badRequestsLeaveTheStoredObjectUnchanged() throws Exception {
        JsonNode before = create("web").body();
        call("PUT", PODS + "/web", "application/json", "{broken");
        call("PUT", PODS + "/web", "application/json", pod("web").replace("\"c\"", "\"Not_A_Name\""));
        call("PATCH", PODS + "/web", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"-x\":\"y\"}}}");
        assertThat(call("GET", PODS + "/web", null, null).body()).isEqualTo(before);
    }

    @Test
    void aStaleResourceVersionIsAConflict() throws Exception {
        JsonNode created = create("web").body();
        String rv = created.at("/metadata/resourceVersion").asText();
        String update = pod("web", "v", "2").replace("\"name\":\"web\"",
                "\"name\":\"web\",\"resourceVersion\":\"" + rv + "\"");
        Reply first = call("PUT", PODS + "/web", "application/json", update);
        assertThat(first.code()).isEqualTo(200);
        assertThat(first.body().at("/metadata/resourceVersion").asText()).isNotEqualTo(rv);
        assertThat(first.body().at("/metadata/uid")).isEqualTo(created.at("/metadata/uid"));

        assertStatus(call("PUT", PODS + "/web", "application/json", update), 409, "Conflict",
                "the object has been modified");
    }

    @Test
    void aCreateAndAnUpdateAnswerWithTheObjectAsStoredFieldForField() throws Exception {
        // Chapter 01: the answer to a write is the stored object at its new resourceVersion,
        // the same JSON, in the same order, as a GET of it returns.
        Reply created = create("web");
        String afterCreate = call("GET", PODS + "/web", null, null).body().toString();
        Reply updated = call("PUT", PODS + "/web", "application/json", pod("web", "v", "2"));
        String afterUpdate = call("GET", PODS + "/web", null, null).body().toString();

        assertThat(created.body().toString()).isEqualTo(afterCreate);
        assertThat(updated.code()).isEqualTo(200);
        assertThat(updated.body().toString()).isEqualTo(afterUpdate);
        assertThat(updated.body().at("/metadata/resourceVersion").asText())
                .isNotEqualTo(created.body().at("/metadata/resourceVersion").asText());
    }

    @Test
    void generationCountsSpecChangesOnly() throws Exception {
        String deployments = "/apis/apps/v1/namespaces/default/deployments";
        String d = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{"
                + "\"selector\":{\"matchLabels\":{\"app\":\"d\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"d\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}}}";
        assertThat(call("POST", deployments, "application/json", d).body().at("/metadata/generation").asInt()).isEqualTo(1);
        Reply labelled = call("PATCH", deployments + "/d", "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}");
        assertThat(labelled.body().at("/metadata/generation").asInt()).isEqualTo(1);
        Reply scaled = call("PATCH", deployments + "/d", "application/merge-patch+json", "{\"spec\":{\"replicas\":3}}");
        assertThat(scaled.body().at("/metadata/generation").asInt()).isEqualTo(2);
        Reply status = call("PUT", deployments + "/d/status", "application/json",
                scaled.body().toString().replace("\"status\":{}", "\"status\":{\"replicas\":3}"));
        assertThat(status.body().at("/status/replicas").asInt()).isEqualTo(3);
        assertThat(status.body().at("/metadata/generation").asInt()).isEqualTo(2);
    }

    @Test
    void aDeploymentWhoseSelectorMissesItsTemplateIsInvalid() throws Exception {
        String d = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{"
                + "\"selector\":{\"matchLabels\":{\"app\":\"d\"}},\"template\":{\"metadata\":{\"labels\":"
                + "{\"app\":\"x\",\"tier\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}}}";
        assertStatus(call("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json", d), 422, "Invalid",
                "Deployment.apps \"d\" is invalid: spec.template.metadata.labels: Invalid value: "
                        + "map[string]string{\"app\":\"x\", \"tier\":\"web\"}: `selector` does not match template `labels`");
    }

    @Test
    void listsPageWithLimitAndContinueAtOneRevision() throws Exception {
        for (String name : List.of("a", "b", "c", "d", "e")) {
            create(name);
        }
        Reply first = call("GET", PODS + "?limit=2", null, null);
        assertThat(names(first.body())).containsExactly("a", "b");
        String token = first.body().at("/metadata/continue").asText();
        call("DELETE", PODS + "/c", null, null);
        Reply second = call("GET", PODS + "?limit=2&continue=" + token, null, null);
        assertThat(names(second.body())).containsExactly("c", "d");
        assertThat(second.body().at("/metadata/resourceVersion")).isEqualTo(first.body().at("/metadata/resourceVersion"));
        Reply last = call("GET", PODS + "?limit=2&continue=" + second.body().at("/metadata/continue").asText(), null, null);
        assertThat(names(last.body())).containsExactly("e");
        assertThat(last.body().at("/metadata/continue").isMissingNode()).isTrue();
    }

    @Test
    void deleteOfAnUnscheduledPodIsImmediateAndReturnsIt() throws Exception {
        create("web");
        Reply deleted = call("DELETE", PODS + "/web", "application/json", "{\"propagationPolicy\":\"Background\"}");
        assertThat(deleted.code()).isEqualTo(200);
        assertThat(deleted.body().at("/metadata/name").asText()).isEqualTo("web");
        assertThat(call("GET", PODS + "/web", null, null).code()).isEqualTo(404);
    }

    @Test
    void finalizersHoldAnObjectUntilTheyAreRemoved() throws Exception {
        call("POST", PODS, "application/json", pod("held").replace("\"labels\":{}",
                "\"labels\":{},\"finalizers\":[\"example.com/hold\"]"));
        Reply marked = call("DELETE", PODS + "/held", null, null);
        assertThat(marked.body().at("/metadata/deletionTimestamp").isMissingNode()).isFalse();
        assertThat(call("GET", PODS + "/held", null, null).code()).isEqualTo(200);
        call("PATCH", PODS + "/held", "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}");
        assertThat(call("GET", PODS + "/held", null, null).code()).isEqualTo(404);
    }

    @Test
    void aWatchStreamsEveryChangeAfterItsResourceVersion() throws Exception {
        create("a", "app", "web");
        String rv = call("GET", PODS, null, null).body().at("/metadata/resourceVersion").asText();
        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(server.url() + PODS
                + "?watch=true&resourceVersion=" + rv + "&timeoutSeconds=5")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        create("b", "app", "web");
        call("PATCH", PODS + "/a", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"v\":\"2\"}}}");
        call("DELETE", PODS + "/b", null, null);

        List<JsonNode> events = read(stream, 3);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(events).extracting(e -> e.get("type").asText() + " " + e.at("/object/metadata/name").asText())
                .containsExactly("ADDED b", "MODIFIED a", "DELETED b");
        long previous = Long.parseLong(rv);
        for (JsonNode e : events) {
            long eventRv = Long.parseLong(e.at("/object/metadata/resourceVersion").asText());
            assertThat(eventRv).isGreaterThan(previous);
            previous = eventRv;
        }
    }

    @Test
    void aWatchWithoutAResourceVersionStartsWithWhatExists() throws Exception {
        create("a");
        create("b");
        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(server.url() + PODS
                + "?watch=true&timeoutSeconds=2")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(read(stream, 2)).extracting(e -> e.get("type").asText() + " " + e.at("/object/metadata/name").asText())
                .containsExactly("ADDED a", "ADDED b");
    }

    @Test
    void discoveryListsTheServedKinds() throws Exception {
        assertThat(call("GET", "/api", null, null).body().at("/versions/0").asText()).isEqualTo("v1");
        JsonNode core = call("GET", "/api/v1", null, null).body();
        assertThat(core.get("kind").asText()).isEqualTo("APIResourceList");
        assertThat(core.get("resources").findValuesAsText("name")).contains("pods", "pods/status", "pods/binding",
                "namespaces", "nodes", "services", "configmaps", "events");
        JsonNode apps = call("GET", "/apis/apps/v1", null, null).body();
        assertThat(apps.get("resources").findValuesAsText("name")).contains("deployments", "deployments/scale");
        assertThat(call("GET", "/apis", null, null).body().get("groups").findValuesAsText("name"))
                .contains("apps", "coordination.k8s.io", "discovery.k8s.io", "scheduling.k8s.io");
        assertThat(call("GET", "/api/v1/namespaces", null, null).body().get("items").findValuesAsText("name"))
                .contains("default", "kube-system", "kube-public", "kube-node-lease");
    }

    @Test
    void bindingAssignsAPodToANodeOnce() throws Exception {
        create("web");
        String binding = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"web\"},"
                + "\"target\":{\"kind\":\"Node\",\"name\":\"node-1\"}}";
        assertThat(call("POST", PODS + "/web/binding", "application/json", binding).code()).isEqualTo(201);
        assertThat(call("GET", PODS + "/web", null, null).body().at("/spec/nodeName").asText()).isEqualTo("node-1");
        assertStatus(call("POST", PODS + "/web/binding", "application/json", binding), 409, "Conflict",
                "already assigned");
    }

    @Test
    void anUnscheduledPodHasEmptyLogsAndDefaultTolerations() throws Exception {
        JsonNode pod = create("web").body();
        assertThat(pod.at("/spec/tolerations").findValuesAsText("key"))
                .containsExactly("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable");
        assertThat(pod.at("/spec/tolerations/0/tolerationSeconds").asInt()).isEqualTo(300);

        HttpResponse<String> logs = http.send(HttpRequest.newBuilder(URI.create(server.url() + PODS + "/web/log"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(logs.statusCode()).isEqualTo(200);
        assertThat(logs.body()).isEmpty();
    }

    @Test
    void namespacesCannotBeDeletedAsACollection() throws Exception {
        assertStatus(call("DELETE", "/api/v1/namespaces", null, null), 405, "MethodNotAllowed", null);
        assertThat(names(call("GET", "/api/v1/namespaces", null, null).body())).contains("default");
    }

    static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.get("items").forEach(i -> names.add(i.at("/metadata/name").asText()));
        return names;
    }

    static List<JsonNode> read(HttpResponse<java.io.InputStream> stream, int count) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            for (String line; events.size() < count && (line = lines.readLine()) != null; ) {
                events.add(JSON.readTree(line));
            }
        }
        return events;
    }

    static void assertStatus(Reply reply, int code, String reason, String message) {
        assertThat(reply.code()).as("HTTP code").isEqualTo(code);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.body().get("kind").asText()).isEqualTo("Status");
        assertThat(reply.body().get("code").asInt()).isEqualTo(code);
        assertThat(reply.body().get("reason").asText()).isEqualTo(reason);
        if (message != null) {
            assertThat(reply.body().get("message").asText()).contains(message);
        }
    }
}
