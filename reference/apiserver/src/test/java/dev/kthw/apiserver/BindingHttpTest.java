package dev.kthw.apiserver;

import static dev.kthw.apiserver.ApiServerHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.apiserver.RawHttp.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pods/binding subresource, as the scheduler uses it (chapter 03, The scheduler:
 * binding): one write sets the node, the PodScheduled condition and the binding's
 * annotations; writes racing with it are retried inside the server; only a pod that is
 * already on a node (or is not the pod the binding names) answers 409.
 */
class BindingHttpTest {

    static final String PODS = "/api/v1/namespaces/default/pods";

    final ApiServer server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));

    @AfterEach
    void stop() {
        server.close();
    }

    Reply send(String method, String path, String contentType, String body) throws Exception {
        return RawHttp.send(server, method, path, contentType, body);
    }

    Reply createPod(String name) throws Exception {
        return send("POST", PODS, "application/json", ApiServerHttpTest.pod(name));
    }

    Reply bind(String pod, String bindingFields) throws Exception {
        return send("POST", PODS + "/" + pod + "/binding", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"" + pod + "\"}," + bindingFields
                        + "}");
    }

    static String toNode(String node) {
        return "\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"" + node + "\"}";
    }

    @Test
    void bindingsRacingWithStatusWritesAllSucceed() throws Exception {
        int pods = 50;
        for (int i = 0; i < pods; i++) {
            createPod("p-" + i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> bindings = new ArrayList<>();
        List<Future<Integer>> patches = new ArrayList<>();
        try {
            for (int i = 0; i < pods; i++) {
                String pod = "p-" + i;
                for (int k = 0; k < 3; k++) {
                    String patch = "{\"status\":{\"message\":\"report " + k + "\",\"hostIP\":\"10.0.0." + k + "\"}}";
                    patches.add(pool.submit(() -> {
                        start.await();
                        return send("PATCH", PODS + "/" + pod + "/status", "application/merge-patch+json", patch).code();
                    }));
                }
                bindings.add(pool.submit(() -> {
                    start.await();
                    return bind(pod, toNode("node-1")).code();
                }));
            }
            start.countDown();
            for (Future<Integer> binding : bindings) {
                assertThat(binding.get(60, TimeUnit.SECONDS)).as("a binding racing status writes").isEqualTo(201);
            }
            for (Future<Integer> patch : patches) {
                assertThat(patch.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }

        for (int i = 0; i < pods; i++) {
            JsonNode pod = send("GET", PODS + "/p-" + i, null, null).body();
            assertThat(pod.at("/spec/nodeName").asText()).isEqualTo("node-1");
            assertThat(pod.at("/status/message").asText()).as("no status write was lost").startsWith("report ");
            assertThat(pod.at("/status/conditions/0/type").asText()).isEqualTo("PodScheduled");
        }
    }

    @Test
    void aSecondBindingOfABoundPodIsAConflict() throws Exception {
        createPod("web");
        assertThat(bind("web", toNode("node-1")).code()).isEqualTo(201);

        Reply again = bind("web", toNode("node-2"));

        assertStatus(again, 409, "Conflict", null);
        assertThat(again.body().path("message").asText()).isEqualTo(
                "Operation cannot be fulfilled on pods/binding \"web\": pod web is already assigned to node \"node-1\"");
        assertThat(send("GET", PODS + "/web", null, null).body().at("/spec/nodeName").asText()).isEqualTo("node-1");
    }

    @Test
    void bindingSetsPodScheduledReplacingTheSchedulersFalseCondition() throws Exception {
        createPod("web");
        send("PATCH", PODS + "/web/status", "application/merge-patch+json", "{\"status\":{\"conditions\":["
                + "{\"type\":\"PodScheduled\",\"status\":\"False\",\"reason\":\"Unschedulable\",\"message\":\"0/3 "
                + "nodes are available\",\"lastTransitionTime\":\"2024-01-01T00:00:00Z\"}]}}");

        Reply bound = bind("web", toNode("node-1"));

        assertThat(bound.code()).isEqualTo(201);
        assertThat(bound.body().path("kind").asText()).isEqualTo("Status");
        assertThat(bound.body().path("status").asText()).isEqualTo("Success");
        JsonNode conditions = send("GET", PODS + "/web", null, null).body().at("/status/conditions");
        assertThat(conditions).hasSize(1);
        JsonNode scheduled = conditions.get(0);
        assertThat(scheduled.path("type").asText()).isEqualTo("PodScheduled");
        assertThat(scheduled.path("status").asText()).isEqualTo("True");
        assertThat(scheduled.has("reason")).isFalse();
        assertThat(scheduled.has("message")).isFalse();
        assertThat(scheduled.path("lastTransitionTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z")
                .isNotEqualTo("2024-01-01T00:00:00Z");
    }

    @Test
    void theBindingsAnnotationsAreCopiedOntoThePod() throws Exception {
        send("POST", PODS, "application/json", ApiServerHttpTest.pod("web", "app", "web")
                .replace("\"labels\"", "\"annotations\":{\"keep\":\"me\"},\"labels\""));

        send("POST", PODS + "/web/binding", "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"Binding\","
                + "\"metadata\":{\"name\":\"web\",\"annotations\":{\"scheduler.example.com/by\":\"second\"}},"
                + "\"target\":{\"name\":\"node-1\"}}");

        JsonNode annotations = send("GET", PODS + "/web", null, null).body().at("/metadata/annotations");
        assertThat(annotations.path("keep").asText()).isEqualTo("me");
        assertThat(annotations.path("scheduler.example.com/by").asText()).isEqualTo("second");
    }

    @Test
    void theTargetMustBeANodeWithAName() throws Exception {
        createPod("web");

        assertStatus(bind("web", "\"target\":{\"kind\":\"Pod\",\"name\":\"other\"}"), 400, "BadRequest",
                "target.kind: Unsupported value: \"Pod\": supported values: \"Node\", \"<empty>\"");
        assertStatus(bind("web", "\"target\":{\"kind\":\"Node\"}"), 400, "BadRequest", "target.name: Required value");
        assertStatus(send("POST", PODS + "/web/binding", "application/json", "{\"apiVersion\":\"v1\",\"kind\":"
                + "\"Binding\",\"metadata\":{\"name\":\"other\"}," + toNode("node-1") + "}"), 400, "BadRequest",
                "name in URL does not match name in Binding object");
        assertThat(send("GET", PODS + "/web", null, null).body().at("/spec").has("nodeName")).isFalse();
    }

    @Test
    void aBindingNamingAnotherIncarnationOfThePodIsAConflict() throws Exception {
        String uid = createPod("web").body().at("/metadata/uid").asText();
        send("DELETE", PODS + "/web", null, null);
        createPod("web");   // same name, new pod: the scheduler decided about the old one

        Reply stale = send("POST", PODS + "/web/binding", "application/json", "{\"apiVersion\":\"v1\",\"kind\":"
                + "\"Binding\",\"metadata\":{\"name\":\"web\",\"uid\":\"" + uid + "\"}," + toNode("node-1") + "}");

        assertStatus(stale, 409, "Conflict", "Precondition failed: UID in precondition: " + uid);
        assertThat(send("GET", PODS + "/web", null, null).body().at("/spec").has("nodeName")).isFalse();
    }

    @Test
    void aPodBeingDeletedOrMissingIsNotBound() throws Exception {
        send("POST", PODS, "application/json", ApiServerHttpTest.pod("going")
                .replace("\"labels\"", "\"finalizers\":[\"example.com/hold\"],\"labels\""));
        send("DELETE", PODS + "/going", null, null);

        assertStatus(bind("going", toNode("node-1")), 409, "Conflict", "pod going is being deleted");
        assertStatus(bind("nowhere", toNode("node-1")), 404, "NotFound", "pods \"nowhere\" not found");
    }
}
