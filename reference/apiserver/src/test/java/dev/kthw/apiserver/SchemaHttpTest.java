package dev.kthw.apiserver;

import dev.kthw.apiserver.RawHttp.Reply;

import static dev.kthw.apiserver.ProtobufTest.concat;
import static dev.kthw.apiserver.ProtobufTest.entry;
import static dev.kthw.apiserver.ProtobufTest.envelope;
import static dev.kthw.apiserver.ProtobufTest.str;
import static dev.kthw.apiserver.ProtobufTest.sub;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the type model gives the API server, at the protocol level (chapter 01, The shape
 * of objects): protobuf request bodies, the OpenAPI v3 documents, and unknown fields.
 */
class SchemaHttpTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

    ApiServer server;

    @BeforeEach
    void start() {
        server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Reply call(String method, String path, String contentType, byte[] body) throws Exception {
        return RawHttp.send(server, method, path, body, "Content-Type", contentType);
    }

    Reply call(String method, String path, String contentType, String body) throws Exception {
        return call(method, path, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aProtobufBodyIsCreatedLikeItsJson() throws Exception {
        byte[] configMap = concat(sub(1, str(1, "settings")), entry(2, "color", "blue"));

        Reply created = call("POST", CONFIGMAPS + "?fieldValidation=Strict", Protobuf.MEDIA_TYPE,
                envelope("v1", "ConfigMap", configMap));

        assertThat(created.code()).isEqualTo(201);
        assertThat(created.body().at("/data/color").asText()).isEqualTo("blue");
        assertThat(created.body().at("/metadata/uid").asText()).hasSize(36);
        assertThat(call("GET", CONFIGMAPS + "/settings", null, (byte[]) null).body()).isEqualTo(created.body());
    }

    @Test
    void aBrokenProtobufBodyIsABadRequestAndStoresNothing() throws Exception {
        byte[] valid = envelope("v1", "ConfigMap", concat(sub(1, str(1, "settings")), entry(2, "color", "blue")));

        Reply truncated = call("POST", CONFIGMAPS, Protobuf.MEDIA_TYPE,
                java.util.Arrays.copyOf(valid, valid.length - 20));
        Reply wrongKind = call("POST", CONFIGMAPS, Protobuf.MEDIA_TYPE,
                envelope("v1", "Secret", sub(1, str(1, "settings"))));

        assertThat(truncated.code()).isEqualTo(400);
        assertThat(truncated.body().get("reason").asText()).isEqualTo("BadRequest");
        assertThat(truncated.body().get("message").asText()).startsWith("the protobuf body could not be decoded");
        assertThat(wrongKind.code()).isEqualTo(400);
        assertThat(wrongKind.body().get("message").asText()).contains("unrecognized");
        assertThat(call("GET", CONFIGMAPS + "/settings", null, (byte[]) null).code()).isEqualTo(404);
    }

    @Test
    void theOpenApiIndexPointsAtOneDocumentPerGroupVersion() throws Exception {
        JsonNode paths = call("GET", "/openapi/v3", null, (byte[]) null).body().get("paths");

        assertThat(paths.fieldNames()).toIterable().containsExactly("api/v1", "apis/apps/v1",
                "apis/coordination.k8s.io/v1", "apis/discovery.k8s.io/v1", "apis/scheduling.k8s.io/v1");
        String url = paths.at("/apis~1apps~1v1/serverRelativeURL").asText();
        assertThat(url).matches("/openapi/v3/apis/apps/v1\\?hash=[0-9A-F]{128}");
        assertThat(call("GET", url, null, (byte[]) null).code()).isEqualTo(200);
        assertThat(call("GET", "/openapi/v3/apis/batch/v1", null, (byte[]) null).code()).isEqualTo(404);
    }

    @Test
    void aDocumentHasTheKindsSchemasWithRefsAndPatchMarkers() throws Exception {
        JsonNode doc = call("GET", "/openapi/v3/api/v1", null, (byte[]) null).body();
        JsonNode schemas = doc.at("/components/schemas");

        JsonNode pod = schemas.get("io.k8s.api.core.v1.Pod");
        assertThat(pod.get("x-kubernetes-group-version-kind").toString())
                .isEqualTo("[{\"group\":\"\",\"kind\":\"Pod\",\"version\":\"v1\"}]");
        assertThat(pod.at("/properties/spec/allOf/0/$ref").asText())
                .isEqualTo("#/components/schemas/io.k8s.api.core.v1.PodSpec");
        JsonNode containers = schemas.at("/io.k8s.api.core.v1.PodSpec/properties/containers");
        assertThat(containers.get("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
        assertThat(containers.get("x-kubernetes-patch-strategy").asText()).isEqualTo("merge");
        assertThat(containers.get("x-kubernetes-list-type").asText()).isEqualTo("map");
        JsonNode ports = schemas.at("/io.k8s.api.core.v1.Container/properties/ports");
        assertThat(ports.get("x-kubernetes-list-map-keys").toString()).isEqualTo("[\"containerPort\",\"protocol\"]");
        // inline fields are flattened: a Volume has configMap, not volumeSource
        assertThat(schemas.at("/io.k8s.api.core.v1.Volume/properties").has("configMap")).isTrue();
        assertThat(schemas.at("/io.k8s.api.core.v1.Volume/properties").has("volumeSource")).isFalse();
        assertThat(schemas.has("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")).isTrue();
        // kubectl finds a kind's schema through its path's operations
        assertThat(doc.at("/paths/~1api~1v1~1namespaces~1{namespace}~1pods/post/x-kubernetes-group-version-kind/kind")
                .asText()).isEqualTo("Pod");
    }

    static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

    /** A deployment with two typos (spec.replica, a container's imagee) and labels, which are never unknown. */
    static String deploymentWithTypos(String name) {
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\","
                + "\"labels\":{\"anything\":\"goes\"}},\"spec\":{\"replica\":3,\"selector\":{\"matchLabels\":"
                + "{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":"
                + "{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\",\"imagee\":\"nginx:2\"}]}}}}";
    }

    @Test
    void underWarnUnknownFieldsAreDroppedAndReportedInWarningHeaders() throws Exception {
        Reply created = call("POST", DEPLOYMENTS + "?fieldValidation=Warn", "application/json",
                deploymentWithTypos("web"));

        assertThat(created.code()).isEqualTo(201);
        assertThat(created.warnings()).containsExactly("299 - \"unknown field \\\"spec.replica\\\"\"",
                "299 - \"unknown field \\\"spec.template.spec.containers[0].imagee\\\"\"");
        JsonNode stored = call("GET", DEPLOYMENTS + "/web", null, (byte[]) null).body();
        assertThat(stored.at("/spec").has("replica")).isFalse();
        assertThat(stored.at("/spec/template/spec/containers/0").has("imagee")).isFalse();
        assertThat(stored.at("/metadata/labels/anything").asText()).isEqualTo("goes");
        // Warn is also what a request without fieldValidation gets, as in Kubernetes 1.27+
        assertThat(call("POST", DEPLOYMENTS, "application/json", deploymentWithTypos("web2")).warnings()).hasSize(2);
    }

    @Test
    void underStrictUnknownFieldsFailTheRequestAndNothingIsStored() throws Exception {
        Reply refused = call("POST", DEPLOYMENTS + "?fieldValidation=Strict", "application/json",
                deploymentWithTypos("web"));

        assertThat(refused.code()).isEqualTo(400);
        assertThat(refused.body().get("reason").asText()).isEqualTo("BadRequest");
        assertThat(refused.body().get("message").asText()).isEqualTo("Deployment in version \"v1\" cannot be handled "
                + "as a Deployment: strict decoding error: unknown field \"spec.replica\", unknown field "
                + "\"spec.template.spec.containers[0].imagee\"");
        assertThat(call("GET", DEPLOYMENTS + "/web", null, (byte[]) null).code()).isEqualTo(404);

        // a patch that adds an unknown field is refused too, and leaves the object as it was
        JsonNode before = call("POST", DEPLOYMENTS + "?fieldValidation=Ignore", "application/json",
                deploymentWithTypos("web")).body();
        Reply patched = call("PATCH", DEPLOYMENTS + "/web?fieldValidation=Strict", "application/merge-patch+json",
                "{\"spec\":{\"paused\":true,\"pausd\":true}}");
        assertThat(patched.code()).isEqualTo(400);
        assertThat(patched.body().get("message").asText()).isEqualTo("strict decoding error: unknown field "
                + "\"spec.pausd\"");
        assertThat(call("GET", DEPLOYMENTS + "/web", null, (byte[]) null).body()).isEqualTo(before);
    }

    @Test
    void underIgnoreUnknownFieldsAreDroppedSilently() throws Exception {
        Reply created = call("POST", DEPLOYMENTS + "?fieldValidation=Ignore", "application/json",
                deploymentWithTypos("web"));

        assertThat(created.code()).isEqualTo(201);
        assertThat(created.warnings()).isEmpty();
        assertThat(created.body().at("/spec").has("replica")).isFalse();
        assertThat(call("POST", DEPLOYMENTS + "?fieldValidation=Sometimes", "application/json",
                deploymentWithTypos("web3")).code()).isEqualTo(400);
    }
}
