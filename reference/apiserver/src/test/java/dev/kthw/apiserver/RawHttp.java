package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Raw HTTP to an API server under test, the way chapter 01 looks at it: a request is a
 * method, a path, a content type and bytes; an answer is a status code, headers and a
 * JSON body (null when the body is not a JSON object).
 */
final class RawHttp {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** An answer: its code, its body as JSON, and every header. */
    record Reply(int code, JsonNode body, HttpHeaders headers) {
        String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        List<String> warnings() {
            return headers.allValues("Warning");
        }

        String header(String name) {
            return headers.firstValue(name).orElse("");
        }
    }

    private RawHttp() {
    }

    /** Sends {@code body} (null: none) with {@code headers} given as name, value, name, value, ... */
    static Reply send(ApiServer server, String method, String path, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i + 1] != null) {
                request.header(headers[i], headers[i + 1]);
            }
        }
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        JsonNode json = text.isEmpty() || !text.startsWith("{") ? JSON.nullNode() : JSON.readTree(text);
        return new Reply(response.statusCode(), json, response.headers());
    }

    /** A request with a JSON (or other) body given as text. */
    static Reply send(ApiServer server, String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        return send(server, method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "Content-Type", body == null ? null : contentType);
    }
}
