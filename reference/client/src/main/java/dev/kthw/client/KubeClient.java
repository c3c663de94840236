package dev.kthw.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.api.Status;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import javax.net.ssl.SSLContext;

/**
 * The REST client every kthw component uses to reach the API server, as client-go's
 * {@code rest.RESTClient}: plain HTTP/1.1 requests on API paths
 * ({@code /api/v1/namespaces/default/pods}), JSON in and out.
 *
 * <p>Every answer outside 2xx becomes an {@link ApiException} carrying the server's
 * {@link Status}, so callers decide on {@code code()} and {@code status().reason()}
 * (404 NotFound, 409 AlreadyExists or Conflict...), never on a message. No answer at all
 * (connection refused, broken, timed out) is a {@link ServerUnreachableException}. Each
 * request has a timeout; a watch's timeout covers only the wait for its headers, the
 * stream itself lasts as long as the server keeps it open.
 *
 * <p>Thread-safe: one client is shared by all of a component's threads (the JDK's
 * HttpClient pools connections).
 *
 * <p>Simpler than client-go: objects are Jackson trees, not generated Go types, so one
 * client serves every kind and paths are written out by the caller; JSON only (no
 * protobuf); no client-side rate limiting (client-go's default is 5 requests/s, bursts
 * of 10), no retries: the caller retries, as informers and the leader elector do.
 * Credentials: a bearer token only; client certificates come in chapter 10.
 */
public final class KubeClient {

    /** How long a request may wait for its answer unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Shared by the package: unknown fields are fine (a newer server may send more). */
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The patch formats the API server accepts, by their media types. */
    public enum PatchType {
        /** RFC 7386: the patch is a partial object; null removes a field; lists are replaced whole. */
        MERGE("application/merge-patch+json"),
        /** RFC 6902: a list of operations ({@code [{"op":"replace","path":"/spec/replicas","value":3}]}). */
        JSON("application/json-patch+json"),
        /** Kubernetes' own: like MERGE, but lists of named items (containers) are merged by key. */
        STRATEGIC_MERGE("application/strategic-merge-patch+json");

        private final String mediaType;

        PatchType(String mediaType) {
            this.mediaType = mediaType;
        }

        public String mediaType() {
            return mediaType;
        }
    }

    private final String server;        // the base URL, without a trailing slash
    private final HttpClient http;
    private final String component;     // who we are: User-Agent kthw-<component>/0.1
    private final String bearerToken;   // null: no Authorization header
    private final Duration timeout;

    /** A client of the server at {@code server} ({@code http://127.0.0.1:8080}). */
    public KubeClient(String server) {
        this(server, "client");
    }

    /** A client that tells the server it is {@code kthw-<component>/0.1}, as kube components do. */
    public KubeClient(String server, String component) {
        this(server, component, null, null, DEFAULT_TIMEOUT);
    }

    /**
     * @param bearerToken sent as {@code Authorization: Bearer ...}; null for none
     * @param tls         whom to trust for an https server; null for the JDK's defaults
     * @param timeout     how long a request may wait for its answer
     */
    public KubeClient(String server, String component, String bearerToken, SSLContext tls, Duration timeout) {
        this(server, component, bearerToken, timeout, httpClient(tls));
    }

    private KubeClient(String server, String component, String bearerToken, Duration timeout, HttpClient http) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(component, "component");
        URI uri = URI.create(server);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("the API server's URL must start with http:// or https://: " + server);
        }
        this.server = server.replaceAll("/+$", "");
        this.component = component;
        this.bearerToken = bearerToken;
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a request timeout must be positive: " + timeout);
        }
        this.timeout = timeout;
        this.http = http;
    }

    private static HttpClient httpClient(SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)     // kube-apiserver speaks HTTP/2 too; we keep to 1.1
                .connectTimeout(CONNECT_TIMEOUT);
        if (tls != null) {
            builder.sslContext(tls);
        }
        return builder.build();
    }

    /** A client for the current context of a kubeconfig file, as {@code kubectl --kubeconfig} reads it. */
    public static KubeClient fromKubeconfig(Path kubeconfig) {
        return fromKubeconfig(kubeconfig, "client");
    }

    public static KubeClient fromKubeconfig(Path kubeconfig, String component) {
        Kubeconfig config = Kubeconfig.read(kubeconfig);
        return new KubeClient(config.server(), component, config.token(), config.sslContext(), DEFAULT_TIMEOUT);
    }

    /** The same client (same connections), with another request timeout. */
    public KubeClient withTimeout(Duration timeout) {
        return new KubeClient(server, component, bearerToken, timeout, http);
    }

    public String server() {
        return server;
    }

    public Duration timeout() {
        return timeout;
    }

    // --- the verbs ---

    /** {@code GET path}: one object. */
    public ObjectNode get(String path) {
        return send("GET", path, Map.of(), null, null);
    }

    /** The whole collection at {@code path}. */
    public ObjectNode list(String path) {
        return list(path, Map.of());
    }

    /**
     * The whole collection at {@code path}, every page of it: with a {@code limit} in
     * {@code query}, the pages are fetched one by one, following the server's
     * {@code continue} tokens, and returned as one list. All pages come from the snapshot
     * of the first (the token carries its resourceVersion), so the list is consistent,
     * and its {@code metadata.resourceVersion} is where a watch should start.
     *
     * @param query labelSelector, fieldSelector, limit, ... (values are URL-encoded here)
     */
    public ObjectNode list(String path, Map<String, String> query) {
        ObjectNode list = listPage(path, query);
        ArrayNode items = (ArrayNode) list.get("items");
        String next = list.path("metadata").path("continue").asText("");
        while (!next.isEmpty()) {
            Map<String, String> nextQuery = new LinkedHashMap<>(query);
            nextQuery.put("continue", next);
            ObjectNode page = listPage(path, nextQuery);
            page.path("items").forEach(items::add);
            next = page.path("metadata").path("continue").asText("");
        }
        ((ObjectNode) list.get("metadata")).remove("continue");
        return list;
    }

    /**
     * One page of the collection, as the server sent it (with {@code metadata.continue}
     * when more follow), except that every item gets the {@code kind} and
     * {@code apiVersion} of the list: kube-apiserver leaves them out of list items, and a
     * cached object without its kind cannot be described (Events, owner references).
     */
    public ObjectNode listPage(String path, Map<String, String> query) {
        ObjectNode list = send("GET", path, query, null, null);
        String kind = list.path("kind").asText("");
        String apiVersion = list.path("apiVersion").asText("");
        ArrayNode items = list.has("items") && list.get("items").isArray() ? (ArrayNode) list.get("items")
                : list.putArray("items");
        for (JsonNode item : items) {
            if (item instanceof ObjectNode object && !object.has("kind") && kind.endsWith("List")) {
                object.put("kind", kind.substring(0, kind.length() - "List".length())).put("apiVersion", apiVersion);
            }
        }
        if (!list.has("metadata") || !list.get("metadata").isObject()) {
            list.putObject("metadata");
        }
        return list;
    }

    /** {@code POST} to a collection: 201 and the object as stored (name, uid, resourceVersion set). */
    public ObjectNode create(String collectionPath, JsonNode object) {
        return send("POST", collectionPath, Map.of(), "application/json", object);
    }

    /**
     * {@code PUT}: replaces the object. With {@code metadata.resourceVersion} set, the
     * server writes only over that version, else answers 409 Conflict: read, change,
     * write back, and on a conflict read again (optimistic concurrency).
     */
    public ObjectNode update(String path, JsonNode object) {
        return send("PUT", path, Map.of(), "application/json", object);
    }

    /** {@code PUT path/status}: only the status changes; spec and metadata changes are ignored. */
    public ObjectNode updateStatus(String path, JsonNode object) {
        return update(path + "/status", object);
    }

    /** {@code PATCH}: the server applies {@code patch} to the object as it is now. */
    public ObjectNode patch(String path, PatchType type, JsonNode patch) {
        return send("PATCH", path, Map.of(), type.mediaType(), patch);
    }

    /** {@code DELETE}: the server answers with the object as deleted (or as marked for deletion). */
    public ObjectNode delete(String path) {
        return send("DELETE", path, Map.of(), null, null);
    }

    /** {@code DELETE} with DeleteOptions ({@code gracePeriodSeconds}, {@code preconditions}). */
    public ObjectNode delete(String path, JsonNode deleteOptions) {
        return send("DELETE", path, Map.of(), "application/json", deleteOptions);
    }

    /** {@code POST} anything: a subresource such as {@code pods/NAME/binding}. */
    public ObjectNode post(String path, JsonNode body) {
        return send("POST", path, Map.of(), "application/json", body);
    }

    /**
     * Opens a watch on the collection at {@code path}: every change after
     * {@code resourceVersion} (from the start of the server's history with "" or null:
     * then an ADDED for each object that exists comes first). Bookmarks are asked for.
     * Returns once the server has answered with 200; read the events from the stream,
     * and close it when done (from any thread).
     *
     * @param query labelSelector, fieldSelector, timeoutSeconds (the server ends the stream then)
     * @throws ApiException the server refused the watch (400 for a bad selector...)
     */
    public WatchStream watch(String path, String resourceVersion, Map<String, String> query) {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("watch", "true");
        q.put("allowWatchBookmarks", "true");
        if (resourceVersion != null && !resourceVersion.isEmpty()) {
            q.put("resourceVersion", resourceVersion);
        }
        HttpRequest request = request(path, q).GET().build();
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(1 << 20);
            } catch (IOException e) {
                body = new byte[0];
            }
            throw ApiErrors.fromAnswer(response.statusCode(), body);
        }
        return new WatchStream("GET " + request.uri().getRawPath(), response.body());
    }

    // --- HTTP ---

    private ObjectNode send(String method, String path, Map<String, String> query, String contentType,
                            JsonNode body) {
        HttpRequest.Builder request = request(path, query);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        }
        HttpResponse<byte[]> response = exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        int code = response.statusCode();
        if (code < 200 || code > 299) {
            throw ApiErrors.fromAnswer(code, response.body());
        }
        try {
            JsonNode answer = JSON.readTree(response.body());
            if (answer instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException notJson) {
            // answered below
        }
        throw new IllegalStateException(method + " " + path + " answered " + code + " without a JSON object");
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("an API path starts with /: " + path);
        }
        StringBuilder uri = new StringBuilder(server).append(path);
        char separator = path.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> parameter : query.entrySet()) {
            uri.append(separator).append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri.toString()))
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("User-Agent", "kthw-" + component + "/0.1");
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        return request;
    }

    /** Sends a request, turning "no answer" into {@link ServerUnreachableException}. */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        String what = request.method() + " " + request.uri().getRawPath();
        try {
            return http.send(request, body);
        } catch (HttpTimeoutException e) {
            throw new ServerUnreachableException(what + ": the API server at " + server + " did not answer within "
                    + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new ServerUnreachableException(what + ": cannot reach the API server at " + server + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CancellationException cancelled = new CancellationException(what + ": interrupted");
            cancelled.initCause(e);
            throw cancelled;
        }
    }

    private static byte[] bytes(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode the request body: " + e.getMessage(), e);
        }
    }
}
