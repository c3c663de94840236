package dev.kthw.apiserver;

import static dev.kthw.apiserver.ProtobufTest.concat;
import static dev.kthw.apiserver.ProtobufTest.entry;
import static dev.kthw.apiserver.ProtobufTest.envelope;
import static dev.kthw.apiserver.ProtobufTest.str;
import static dev.kthw.apiserver.ProtobufTest.sub;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the type model gives the API server, at the protocol level (chapter 01, The shape
 * of objects): protobuf request bodies.
 */
class SchemaHttpTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

    ApiServer server;
    HttpClient http = HttpClient.newHttpClient();

    record Reply(int code, JsonNode body, List<String> warnings) {
    }

    @BeforeEach
    void start() {
        server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Reply call(String method, String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        JsonNode json = text.isEmpty() || !text.startsWith("{") ? JSON.nullNode() : JSON.readTree(text);
        return new Reply(response.statusCode(), json, response.headers().allValues("Warning"));
    }

    Reply call(String method, String path, String contentType, String body) throws Exception {
        return call(method, path, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aProtobufBodyIsCreatedLikeItsJson() throws Exception {
        byte[] configMap = concat(sub(1, str(1, "settings")), entry(2, "color", "blue"));

        Reply created = call("POST", CONFIGMAPS + "?fieldValidation=Strict", Protobuf.MEDIA_TYPE,
                envelope("v1", "ConfigMap", configMap));

        assertThat(created.code).isEqualTo(201);
        assertThat(created.body.at("/data/color").asText()).isEqualTo("blue");
        assertThat(created.body.at("/metadata/uid").asText()).hasSize(36);
        assertThat(call("GET", CONFIGMAPS + "/settings", null, (byte[]) null).body).isEqualTo(created.body);
    }

    @Test
    void aBrokenProtobufBodyIsABadRequestAndStoresNothing() throws Exception {
        byte[] valid = envelope("v1", "ConfigMap", concat(sub(1, str(1, "settings")), entry(2, "color", "blue")));

        Reply truncated = call("POST", CONFIGMAPS, Protobuf.MEDIA_TYPE, java.util.Arrays.copyOf(valid, valid.length - 20));
        Reply wrongKind = call("POST", CONFIGMAPS, Protobuf.MEDIA_TYPE,
                envelope("v1", "Secret", sub(1, str(1, "settings"))));

        assertThat(truncated.code).isEqualTo(400);
        assertThat(truncated.body.get("reason").asText()).isEqualTo("BadRequest");
        assertThat(truncated.body.get("message").asText()).startsWith("the protobuf body could not be decoded");
        assertThat(wrongKind.code).isEqualTo(400);
        assertThat(wrongKind.body.get("message").asText()).contains("unrecognized");
        assertThat(call("GET", CONFIGMAPS + "/settings", null, (byte[]) null).code).isEqualTo(404);
    }
}
