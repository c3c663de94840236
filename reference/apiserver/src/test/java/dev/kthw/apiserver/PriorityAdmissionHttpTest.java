package dev.kthw.apiserver;

import static dev.kthw.apiserver.ApiServerHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.apiserver.RawHttp.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Priority admission plugin on pods (chapter 03, The scheduler: priority and
 * preemption): a pod's spec.priority and spec.preemptionPolicy come from the
 * PriorityClass it names, or from the global default class, never from the pod itself.
 */
class PriorityAdmissionHttpTest {

    static final String PODS = "/api/v1/namespaces/default/pods";
    static final String CLASSES = PriorityClassHttpTest.CLASSES;

    final ApiServer server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));

    @AfterEach
    void stop() {
        server.close();
    }

    Reply post(String path, String body) throws Exception {
        return RawHttp.send(server, "POST", path, "application/json", body);
    }

    /** A pod with {@code spec} fields beside its one container, such as {@code "priorityClassName":"high"}. */
    static String pod(String name, String specFields) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{"
                + (specFields.isEmpty() ? "" : specFields + ",") + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
    }

    @Test
    void aPodGetsThePriorityAndPolicyOfItsClass() throws Exception {
        post(CLASSES, PriorityClassHttpTest.priorityClass("batch", "\"value\":1000,\"preemptionPolicy\":\"Never\""));

        Reply created = post(PODS, pod("job", "\"priorityClassName\":\"batch\""));

        assertThat(created.code()).isEqualTo(201);
        assertThat(created.body().at("/spec/priority").asInt()).isEqualTo(1000);
        assertThat(created.body().at("/spec/preemptionPolicy").asText()).isEqualTo("Never");
        assertThat(created.body().at("/spec/priorityClassName").asText()).isEqualTo("batch");
    }

    @Test
    void aSystemClassWorksFromStartUp() throws Exception {
        Reply created = post("/api/v1/namespaces/kube-system/pods", pod("dns", "\"priorityClassName\":"
                + "\"system-cluster-critical\""));

        assertThat(created.body().at("/spec/priority").asInt()).isEqualTo(2_000_000_000);
    }

    @Test
    void aPodNamingAnUnknownClassIsForbidden() throws Exception {
        Reply refused = post(PODS, pod("x", "\"priorityClassName\":\"y\""));

        assertStatus(refused, 403, "Forbidden", null);
        assertThat(refused.body().path("message").asText())
                .isEqualTo("pods \"x\" is forbidden: no PriorityClass with name y was found");
        assertThat(refused.body().at("/details/kind").asText()).isEqualTo("pods");
        assertStatus(RawHttp.send(server, "GET", PODS + "/x", null, (String) null), 404, "NotFound", null);
        String generated = pod("", "\"priorityClassName\":\"y\"").replace("\"name\":\"\"", "\"generateName\":\"web-\"");
        assertThat(post(PODS, generated).body().path("message").asText())
                .as("a name not made up yet is shown by its prefix")
                .isEqualTo("pods \"web-\" is forbidden: no PriorityClass with name y was found");
    }

    @Test
    void withoutAClassOrADefaultAPodGetsZero() throws Exception {
        JsonNode spec = post(PODS, pod("plain", "")).body().get("spec");

        assertThat(spec.get("priority").asInt()).isZero();
        assertThat(spec.get("preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
        assertThat(spec.has("priorityClassName")).isFalse();
    }

    @Test
    void withoutAClassAPodGetsTheGlobalDefaultAndItsName() throws Exception {
        post(CLASSES, PriorityClassHttpTest.priorityClass("normal", "\"value\":100,\"globalDefault\":true"));

        JsonNode spec = post(PODS, pod("plain", "")).body().get("spec");

        assertThat(spec.get("priority").asInt()).isEqualTo(100);
        assertThat(spec.get("priorityClassName").asText()).isEqualTo("normal");
    }

    @Test
    void aClassCreatedJustNowIsUsableAtOnce() throws Exception {
        for (int i = 0; i < 20; i++) {
            post(CLASSES, PriorityClassHttpTest.priorityClass("c-" + i, "\"value\":" + i));

            Reply created = post(PODS, pod("p-" + i, "\"priorityClassName\":\"c-" + i + "\""));

            assertThat(created.code()).as("a pod right after its class: %s", created.body()).isEqualTo(201);
            assertThat(created.body().at("/spec/priority").asInt()).isEqualTo(i);
        }
    }

    @Test
    void aPriorityThePodSetsItselfMustAgreeWithItsClass() throws Exception {
        post(CLASSES, PriorityClassHttpTest.priorityClass("high", "\"value\":1000"));

        assertStatus(post(PODS, pod("greedy", "\"priorityClassName\":\"high\",\"priority\":5000")), 403, "Forbidden",
                "pods \"greedy\" is forbidden: the integer value of priority (5000) must not be provided in pod spec; "
                        + "priority admission controller computed 1000 from the given PriorityClass name");
        assertStatus(post(PODS, pod("sneaky", "\"priority\":7")), 403, "Forbidden",
                "computed 0 from the given PriorityClass name");
        assertStatus(post(PODS, pod("polite", "\"priorityClassName\":\"high\",\"preemptionPolicy\":\"Never\"")), 403,
                "Forbidden", "the string value of PreemptionPolicy (Never) must not be provided in pod spec");
        assertThat(post(PODS, pod("honest", "\"priorityClassName\":\"high\",\"priority\":1000")).code())
                .isEqualTo(201);
    }

    @Test
    void anUpdateWithoutPriorityKeepsTheOneAdmissionSet() throws Exception {
        post(CLASSES, PriorityClassHttpTest.priorityClass("high", "\"value\":1000"));
        post(PODS, pod("web", "\"priorityClassName\":\"high\""));

        Reply replaced = RawHttp.send(server, "PUT", PODS + "/web", "application/json",
                pod("web", "\"priorityClassName\":\"high\"").replace("\"name\":\"web\"", "\"name\":\"web\","
                        + "\"labels\":{\"tier\":\"front\"}"));

        assertThat(replaced.code()).as("%s", replaced.body()).isEqualTo(200);
        assertThat(replaced.body().at("/spec/priority").asInt()).isEqualTo(1000);
        assertThat(replaced.body().at("/spec/preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
    }

    @Test
    void podTemplatesGetNoPriorityTheirPodsGetItWhenCreated() throws Exception {
        String deployment = """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{
                 "selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
                 "spec":{"priorityClassName":"system-cluster-critical","containers":[{"name":"c","image":"busybox"}]}}}}""";

        JsonNode template = post("/apis/apps/v1/namespaces/default/deployments", deployment).body()
                .at("/spec/template/spec");

        assertThat(template.has("priority")).isFalse();
        assertThat(template.has("preemptionPolicy")).isFalse();
    }

    @Test
    void aDryRunIsAdmittedToo() throws Exception {
        assertStatus(post(PODS + "?dryRun=All", pod("x", "\"priorityClassName\":\"y\"")), 403, "Forbidden", null);
        assertThat(post(PODS + "?dryRun=All", pod("x", "")).body().at("/spec/priority").asInt()).isZero();
    }
}
