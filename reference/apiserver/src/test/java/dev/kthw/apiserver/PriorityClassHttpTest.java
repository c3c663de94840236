package dev.kthw.apiserver;

import static dev.kthw.apiserver.ApiServerHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.apiserver.RawHttp.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PriorityClasses, {@code scheduling.k8s.io/v1} (chapter 03, The scheduler: priority and
 * preemption): the two system classes every cluster has, the validation of user classes,
 * and the rules the Priority admission plugin adds (one global default, fixed values,
 * system classes that stay).
 */
class PriorityClassHttpTest {

    static final String CLASSES = "/apis/scheduling.k8s.io/v1/priorityclasses";

    final ApiServer server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));

    @AfterEach
    void stop() {
        server.close();
    }

    Reply call(String method, String path, String body) throws Exception {
        return RawHttp.send(server, method, path, "application/json", body);
    }

    static String priorityClass(String name, String fields) {
        return "{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\",\"metadata\":{\"name\":\"" + name
                + "\"}" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    @Test
    void theSystemClassesExistFromStartUp() throws Exception {
        JsonNode items = call("GET", CLASSES, null).body().get("items");

        assertThat(items.findValuesAsText("name")).containsExactly("system-cluster-critical", "system-node-critical");
        assertThat(items.get(0).get("value").asInt()).isEqualTo(2_000_000_000);
        assertThat(items.get(1).get("value").asInt()).isEqualTo(2_000_001_000);
        assertThat(items.findValuesAsText("preemptionPolicy")).containsOnly("PreemptLowerPriority");
        assertThat(items.get(0).path("metadata").path("uid").asText()).isNotEmpty();
    }

    @Test
    void aClassIsClusterScopedAndGetsTheDefaultPreemptionPolicy() throws Exception {
        Reply created = call("POST", CLASSES, priorityClass("high", "\"value\":1000,\"description\":\"batch\""));

        assertThat(created.code()).isEqualTo(201);
        assertThat(created.body().path("metadata").has("namespace")).isFalse();
        assertThat(created.body().path("value").asInt()).isEqualTo(1000);
        assertThat(created.body().path("preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
        assertThat(call("GET", CLASSES + "/high", null).body().path("description").asText()).isEqualTo("batch");
    }

    @Test
    void discoveryListsPriorityClassesWithTheirShortName() throws Exception {
        JsonNode resources = call("GET", "/apis/scheduling.k8s.io/v1", null).body().get("resources");

        assertThat(resources).hasSize(1);
        assertThat(resources.get(0).get("name").asText()).isEqualTo("priorityclasses");
        assertThat(resources.get(0).get("namespaced").asBoolean()).isFalse();
        assertThat(resources.get(0).get("shortNames").get(0).asText()).isEqualTo("pc");
        assertThat(call("GET", "/apis", null).body().get("groups").findValuesAsText("name"))
                .contains("scheduling.k8s.io");
    }

    @Test
    void valueIsRequiredAndUserClassesStayAtOrBelowOneBillion() throws Exception {
        assertStatus(call("POST", CLASSES, priorityClass("none", "")), 422, "Invalid",
                "PriorityClass.scheduling.k8s.io \"none\" is invalid: value: Required value");
        assertStatus(call("POST", CLASSES, priorityClass("too-high", "\"value\":1000000001")), 422, "Invalid",
                "value: Forbidden: maximum allowed value of a user defined priority is 1000000000");
        assertThat(call("POST", CLASSES, priorityClass("highest", "\"value\":1000000000")).code()).isEqualTo(201);
        assertThat(call("POST", CLASSES, priorityClass("negative", "\"value\":-5")).code()).isEqualTo(201);
        assertStatus(call("POST", CLASSES, priorityClass("policy", "\"value\":1,\"preemptionPolicy\":\"Sometimes\"")),
                422, "Invalid",
                "preemptionPolicy: Unsupported value: \"Sometimes\": supported values: \"Never\", \"PreemptLowerPriority\"");
    }

    @Test
    void namesStartingWithSystemAreReservedForTheSystemClasses() throws Exception {
        assertStatus(call("POST", CLASSES, priorityClass("system-mine", "\"value\":10")), 422, "Invalid",
                "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use "
                        + "only. error: system-mine is not a known system priority class");
        assertStatus(call("POST", CLASSES, priorityClass("system-node-critical", "\"value\":10")), 422, "Invalid",
                "error: value of system-node-critical PriorityClass must be 2000001000");
    }

    @Test
    void theSystemClassesCannotBeDeleted() throws Exception {
        assertStatus(call("DELETE", CLASSES + "/system-cluster-critical", null), 403, "Forbidden",
                "priorityclasses.scheduling.k8s.io \"system-cluster-critical\" is forbidden: this is a system "
                        + "priority class and cannot be deleted");
        call("POST", CLASSES, priorityClass("mine", "\"value\":10"));

        call("DELETE", CLASSES, null);   // deletecollection takes the user's classes only

        assertThat(call("GET", CLASSES, null).body().get("items").findValuesAsText("name"))
                .containsExactly("system-cluster-critical", "system-node-critical");
    }

    @Test
    void onlyOneClassMayBeTheGlobalDefault() throws Exception {
        assertThat(call("POST", CLASSES, priorityClass("normal", "\"value\":100,\"globalDefault\":true")).code())
                .isEqualTo(201);

        assertStatus(call("POST", CLASSES, priorityClass("other", "\"value\":50,\"globalDefault\":true")), 403,
                "Forbidden", "priorityclasses.scheduling.k8s.io \"other\" is forbidden: PriorityClass normal is "
                        + "already marked as default. Only one default can exist");
        call("POST", CLASSES, priorityClass("other", "\"value\":50"));
        Reply promote = RawHttp.send(server, "PATCH", CLASSES + "/other", "application/merge-patch+json",
                "{\"globalDefault\":true}");
        assertStatus(promote, 403, "Forbidden", "PriorityClass normal is already marked as default");
        Reply updateDefault = RawHttp.send(server, "PATCH", CLASSES + "/normal", "application/merge-patch+json",
                "{\"description\":\"what most pods get\"}");
        assertThat(updateDefault.code()).as("the default itself may be updated").isEqualTo(200);
    }

    @Test
    void valueAndPreemptionPolicyCannotChange() throws Exception {
        call("POST", CLASSES, priorityClass("batch", "\"value\":10,\"preemptionPolicy\":\"Never\""));

        assertStatus(RawHttp.send(server, "PATCH", CLASSES + "/batch", "application/merge-patch+json",
                "{\"value\":20}"), 422, "Invalid", "value: Forbidden: may not be changed in an update.");
        assertStatus(RawHttp.send(server, "PATCH", CLASSES + "/batch", "application/merge-patch+json",
                "{\"preemptionPolicy\":\"PreemptLowerPriority\"}"), 422, "Invalid",
                "preemptionPolicy: Invalid value: \"PreemptLowerPriority\": field is immutable");
        assertThat(RawHttp.send(server, "PATCH", CLASSES + "/batch", "application/merge-patch+json",
                "{\"description\":\"jobs\"}").code()).isEqualTo(200);
        assertThat(call("GET", CLASSES + "/batch", null).body().path("value").asInt()).isEqualTo(10);
    }
}
