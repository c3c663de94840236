package dev.kthw.apiserver;

import dev.kthw.apiserver.RawHttp.Reply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Discovery at the protocol level (chapter 01, Discovery): the legacy documents for a plain
 * Accept, and aggregated discovery ({@code apidiscovery.k8s.io} v2 and v2beta1) for the Accept
 * headers kubectl 1.27–1.33 send, with the Content-Type client-go decodes by.
 */
class DiscoveryHttpTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** What kubectl 1.30–1.33 send to /api and /apis. */
    static final String ACCEPT_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    /** What kubectl 1.27–1.29 send. */
    static final String ACCEPT_V2BETA1 =
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    static ApiServer server;


    @BeforeAll
    static void start() {
        server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Reply get(String path, String accept) throws Exception {
        return RawHttp.send(server, "GET", path, null, "Accept", accept);
    }

    @Test
    void kubectl130AndLaterGetAggregatedDiscoveryV2WithTheExactContentType() throws Exception {
        Reply apis = get("/apis", ACCEPT_V2);

        assertThat(apis.code()).isEqualTo(200);
        assertThat(apis.contentType())
                .isEqualTo("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        assertThat(apis.header("Vary")).isEqualTo("Accept");
        assertThat(apis.body().get("kind").asText()).isEqualTo("APIGroupDiscoveryList");
        assertThat(apis.body().get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2");
        assertThat(apis.body().get("items").findValuesAsText("name"))
                .containsExactly("apps", "coordination.k8s.io", "discovery.k8s.io", "scheduling.k8s.io");
    }

    @Test
    void kubectl127To129GetV2beta1() throws Exception {
        Reply api = get("/api", ACCEPT_V2BETA1);

        assertThat(api.contentType())
                .isEqualTo("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
        assertThat(api.body().get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2beta1");
    }

    @Test
    void aPlainAcceptStillGetsLegacyDiscovery() throws Exception {
        for (String accept : new String[] {null, "application/json", "application/json, */*", "*/*"}) {
            Reply api = get("/api", accept);
            assertThat(api.contentType()).as(accept).isEqualTo("application/json");
            assertThat(api.body().get("kind").asText()).isEqualTo("APIVersions");
            assertThat(get("/apis", accept).body().get("kind").asText()).isEqualTo("APIGroupList");
        }
    }

    @Test
    void theCoreGroupHasNoNameAndDescribesEachResourceFully() throws Exception {
        JsonNode core = get("/api", ACCEPT_V2).body().get("items");

        assertThat(core).hasSize(1);
        assertThat(core.get(0).path("metadata").has("name")).isFalse();
        JsonNode v1 = core.get(0).get("versions").get(0);
        assertThat(v1.get("version").asText()).isEqualTo("v1");
        assertThat(v1.get("freshness").asText()).isEqualTo("Current");
        JsonNode pods = resource(v1, "pods");
        assertThat(pods.get("responseKind").toString()).isEqualTo("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}");
        assertThat(pods.get("scope").asText()).isEqualTo("Namespaced");
        assertThat(pods.get("singularResource").asText()).isEqualTo("pod");
        assertThat(texts(pods.get("shortNames"))).containsExactly("po");
        assertThat(texts(pods.get("categories"))).containsExactly("all");
        assertThat(texts(pods.get("verbs"))).containsExactly("create", "delete", "deletecollection", "get", "list",
                "patch", "update", "watch");
        assertThat(pods.get("subresources").findValuesAsText("subresource")).containsExactly("status", "binding", "log");
        assertThat(subresource(pods, "binding").get("responseKind").get("kind").asText()).isEqualTo("Binding");
        assertThat(texts(subresource(pods, "binding").get("verbs"))).containsExactly("create");

        JsonNode namespaces = resource(v1, "namespaces");
        assertThat(namespaces.get("scope").asText()).isEqualTo("Cluster");
        assertThat(texts(namespaces.get("verbs"))).doesNotContain("deletecollection");
        assertThat(namespaces.has("categories")).isFalse();
    }

    @Test
    void scaleIsAnAutoscalingV1ScaleInBothForms() throws Exception {
        JsonNode apps = get("/apis", ACCEPT_V2).body().get("items").get(0).get("versions").get(0);
        JsonNode scale = subresource(resource(apps, "deployments"), "scale");
        assertThat(scale.get("responseKind").toString())
                .isEqualTo("{\"group\":\"autoscaling\",\"version\":\"v1\",\"kind\":\"Scale\"}");

        JsonNode legacy = get("/apis/apps/v1", null).body().get("resources");
        JsonNode legacyScale = null;
        for (JsonNode r : legacy) {
            if (r.get("name").asText().equals("deployments/scale")) {
                legacyScale = r;
            }
        }
        assertThat(legacyScale).isNotNull();
        assertThat(legacyScale.get("group").asText()).isEqualTo("autoscaling");
        assertThat(legacyScale.get("kind").asText()).isEqualTo("Scale");
    }

    @Test
    void aNamedGroupHasItsOwnDocument() throws Exception {
        Reply apps = get("/apis/apps", null);
        assertThat(apps.code()).isEqualTo(200);
        assertThat(apps.body().get("kind").asText()).isEqualTo("APIGroup");
        assertThat(apps.body().at("/preferredVersion/groupVersion").asText()).isEqualTo("apps/v1");
        assertThat(get("/apis/nosuch.k8s.io", null).code()).isEqualTo(404);
    }

    private static JsonNode resource(JsonNode version, String name) {
        for (JsonNode r : version.get("resources")) {
            if (r.get("resource").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no resource " + name);
    }

    private static JsonNode subresource(JsonNode resource, String name) {
        for (JsonNode s : resource.get("subresources")) {
            if (s.get("subresource").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no subresource " + name);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }
}
