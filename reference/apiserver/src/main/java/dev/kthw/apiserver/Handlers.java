package dev.kthw.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kthw.api.ApiException;
import dev.kthw.api.Status;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The REST API: every request under /api and /apis, mapped to the {@link Registry}.
 *
 * <p>Every handler has the same shape: decode (path, query, body) → validate → store
 * (through the registry, which checks what every kind shares) → encode (JSON, or a Table
 * when kubectl asks for one). Errors anywhere become a Kubernetes {@link Status}.
 *
 * <pre>
 *   GET    collection   list, or watch with ?watch=true
 *   POST   collection   create                         201
 *   DELETE collection   deletecollection
 *   GET    object       get
 *   PUT    object       update (replace)
 *   PATCH  object       patch: json, merge, strategic merge, apply
 *   DELETE object       delete
 * </pre>
 */
final class Handlers {

    /** Kubernetes refuses request bodies over 3 MiB. */
    static final int MAX_BODY = 3 * 1024 * 1024;
    static final String OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Registry registry;
    private final Clock clock;
    private final WatchStreamer watches;

    Handlers(Registry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.watches = new WatchStreamer(registry, clock);
    }

    void register(Javalin app, String serverAddress) {
        app.get("/version", ctx -> json(ctx, 200, Discovery.version()));
        for (String probe : List.of("/healthz", "/livez", "/readyz")) {
            app.get(probe, ctx -> ctx.contentType("text/plain").result("ok"));
        }
        app.get("/api", ctx -> json(ctx, 200, Discovery.coreVersions(serverAddress)));
        app.get("/apis", ctx -> json(ctx, 200, Discovery.groups()));
        // kubectl create/apply validate against OpenAPI; an empty v2 document is accepted by every version.
        app.get("/openapi/v2", ctx -> ctx.status(200).contentType(OPENAPI_V2_PROTOBUF).result(new byte[0]));
        for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
                HandlerType.DELETE)) {
            app.addHttpHandler(method, "/api/<rest>", this::dispatch);
            app.addHttpHandler(method, "/apis/<rest>", this::dispatch);
        }
        app.exception(ApiException.class, (e, ctx) -> json(ctx, e.code(), e.status()));
        app.exception(Exception.class, (e, ctx) -> json(ctx, 500, Status.failure(500, "InternalError",
                "Internal error occurred: " + e, null)));
    }

    private void dispatch(Context ctx) throws IOException {
        String path = ctx.path();
        String groupVersion = groupVersionOnly(path);
        if (groupVersion != null) {
            ObjectNode resources = ctx.method() == HandlerType.GET ? Discovery.resources(groupVersion) : null;
            if (resources == null) {
                throw ApiErrors.pathNotFound();
            }
            json(ctx, 200, resources);
            return;
        }
        // tag::dispatch[]
        Target target = Target.parse(path);
        HandlerType method = ctx.method();
        if (target.isCollection()) {
            if (method == HandlerType.GET) {
                if ("true".equals(ctx.queryParam("watch")) || "1".equals(ctx.queryParam("watch"))) {
                    watches.stream(ctx, target, selector(target, ctx), wantsTable(ctx));
                } else {
                    list(ctx, target);
                }
            } else if (method == HandlerType.POST && (target.namespace() != null || !target.type().namespaced())) {
                create(ctx, target);
            } else if (method == HandlerType.DELETE) {
                deleteCollection(ctx, target);
            } else {
                throw ApiErrors.methodNotAllowed();
            }
            return;
        }
        String sub = target.subresource();
        if (sub != null && !sub.equals("status")) {
            Subresources.handle(ctx, target, registry);
            return;
        }
        switch (method.name()) {
            case "GET" -> json(ctx, 200, registry.get(target.type(), target.namespace(), target.name()));
            case "PUT" -> update(ctx, target, decodeBody(ctx, target));
            case "PATCH" -> patch(ctx, target);
            case "DELETE" -> delete(ctx, target);
            default -> throw ApiErrors.methodNotAllowed();
        }
        // end::dispatch[]
    }

    // --- the verbs ---

    // tag::create-handler[]
    private void create(Context ctx, Target target) throws IOException {
        ObjectNode object = decodeBody(ctx, target);
        String namespace = Json.text(object, "metadata.namespace");
        if (target.type().namespaced() && !namespace.isEmpty() && !namespace.equals(target.namespace())) {
            throw ApiErrors.badRequest("the namespace of the provided object does not match the namespace sent on "
                    + "the request");
        }
        json(ctx, 201, registry.create(target.type(), target.namespace(), object));
    }
    // end::create-handler[]

    void update(Context ctx, Target target, ObjectNode object) {
        String name = Json.text(object, "metadata.name");
        if (!name.isEmpty() && !name.equals(target.name())) {
            throw ApiErrors.badRequest("the name of the object (" + name + ") does not match the name on the URL ("
                    + target.name() + ")");
        }
        boolean statusOnly = "status".equals(target.subresource());
        json(ctx, 200, registry.update(target.type(), target.namespace(), target.name(), object, statusOnly));
    }

    private void patch(Context ctx, Target target) throws IOException {
        String contentType = mediaType(ctx);
        JsonNode patch = parse(readBody(ctx), contentType.endsWith("yaml"));
        boolean apply = contentType.equals("application/apply-patch+yaml");
        ObjectNode current;
        try {
            current = registry.get(target.type(), target.namespace(), target.name());
        } catch (ApiException notFound) {
            if (apply && notFound.code() == 404 && patch instanceof ObjectNode o) {
                // Server-side apply creates what does not exist yet.
                checkKind(o, target);
                json(ctx, 201, registry.create(target.type(), target.namespace(), o));
                return;
            }
            throw notFound;
        }
        JsonNode patched = switch (contentType) {
            case "application/json-patch+json" -> Patches.jsonPatch(current, patch);
            case "application/merge-patch+json" -> Patches.mergePatch(current, patch);
            case "application/strategic-merge-patch+json", "application/apply-patch+yaml" ->
                    Patches.strategicMergePatch(current, patch);
            default -> throw ApiErrors.unsupportedMediaType();
        };
        if (!(patched instanceof ObjectNode object)) {
            throw ApiErrors.badRequest("the patch does not leave an object");
        }
        if (!contentType.equals("application/json-patch+json") && !patch.path("metadata").has("resourceVersion")) {
            Json.child(object, "metadata").remove("resourceVersion");
        }
        update(ctx, target, object);
    }

    private void delete(Context ctx, Target target) throws IOException {
        byte[] body = readBody(ctx);
        JsonNode options = body.length == 0 ? Json.MAPPER.createObjectNode() : parse(body, false);
        Long grace = options.has("gracePeriodSeconds") ? options.get("gracePeriodSeconds").asLong() : null;
        String query = ctx.queryParam("gracePeriodSeconds");
        if (query != null) {
            grace = parseLong(query, "gracePeriodSeconds");
        }
        String precondition = options.path("preconditions").path("resourceVersion").asText(null);
        json(ctx, 200, registry.delete(target.type(), target.namespace(), target.name(), grace, precondition));
    }

    private void list(Context ctx, Target target) {
        int limit = ctx.queryParam("limit") == null ? 0 : (int) parseLong(ctx.queryParam("limit"), "limit");
        Registry.Page page = registry.list(target.type(), target.namespace(), selector(target, ctx), limit,
                ctx.queryParam("continue"));
        if (wantsTable(ctx)) {
            json(ctx, 200, Tables.table(target.type(), page.items(), String.valueOf(page.resourceVersion()),
                    page.continueToken(), true, clock.instant()));
            return;
        }
        ObjectNode list = Json.MAPPER.createObjectNode().put("kind", target.type().kind() + "List")
                .put("apiVersion", target.type().apiVersion());
        ObjectNode meta = list.putObject("metadata").put("resourceVersion", String.valueOf(page.resourceVersion()));
        if (!page.continueToken().isEmpty()) {
            meta.put("continue", page.continueToken());
        }
        page.items().forEach(list.putArray("items")::add);
        json(ctx, 200, list);
    }

    private void deleteCollection(Context ctx, Target target) {
        Registry.Page page = registry.list(target.type(), target.namespace(), selector(target, ctx), 0, null);
        ObjectNode list = Json.MAPPER.createObjectNode().put("kind", target.type().kind() + "List")
                .put("apiVersion", target.type().apiVersion());
        list.putObject("metadata");
        var items = list.putArray("items");
        for (ObjectNode object : page.items()) {
            try {
                items.add(registry.delete(target.type(), Json.text(object, "metadata.namespace").isEmpty() ? null
                        : Json.text(object, "metadata.namespace"), Json.text(object, "metadata.name"), null, null));
            } catch (ApiException e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        }
        json(ctx, 200, list);
    }

    // --- decoding ---

    /** The label and field selectors of a list or watch, as one predicate. */
    static Predicate<ObjectNode> selector(Target target, Context ctx) {
        LabelSelector labels;
        FieldSelector fields;
        try {
            labels = LabelSelector.parse(ctx.queryParam("labelSelector"));
            fields = FieldSelector.parse(ctx.queryParam("fieldSelector"));
            SelectableFields.check(target.type(), fields);
        } catch (IllegalArgumentException e) {
            throw ApiErrors.badRequest(e.getMessage());
        }
        if (labels.isEmpty() && fields.isEmpty()) {
            return object -> true;   // the common case, and a watch tests every change against it
        }
        return object -> {
            @SuppressWarnings("unchecked")
            Map<String, String> objectLabels = Json.MAPPER.convertValue(object.path("metadata").path("labels"),
                    Map.class);
            return labels.matches(objectLabels == null ? Map.of() : objectLabels)
                    && fields.matches(SelectableFields.of(target.type(), object));
        };
    }

    /** The request body as an object of the target's kind, or the Status Kubernetes answers. */
    ObjectNode decodeBody(Context ctx, Target target) throws IOException {
        String contentType = mediaType(ctx);
        if (!contentType.equals("application/json") && !contentType.equals("application/yaml")) {
            throw ApiErrors.unsupportedMediaType();
        }
        JsonNode body = parse(readBody(ctx), contentType.equals("application/yaml"));
        if (!(body instanceof ObjectNode object)) {
            throw ApiErrors.badRequest("the body of the request must be a JSON object");
        }
        checkKind(object, target);
        return object;
    }

    private static void checkKind(ObjectNode object, Target target) {
        ResourceType type = target.type();
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals(type.kind())) {
            throw ApiErrors.badRequest("the object provided is unrecognized (kind " + kind + " sent to "
                    + type.qualifiedResource() + ")");
        }
        if (!apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion())) {
            throw ApiErrors.badRequest("the API version in the data (" + apiVersion + ") does not match the "
                    + "expected API version (" + type.apiVersion() + ")");
        }
    }

    /** The body, refusing more than {@link #MAX_BODY} bytes without reading them all. */
    static byte[] readBody(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY) {
            throw ApiErrors.tooLarge(MAX_BODY);
        }
        InputStream in = ctx.req().getInputStream();
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw ApiErrors.tooLarge(MAX_BODY);
        }
        return body;
    }

    static JsonNode parse(byte[] body, boolean yaml) {
        if (body.length == 0) {
            throw ApiErrors.badRequest("the request body is empty");
        }
        try {
            return (yaml ? YAML : Json.MAPPER).readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiErrors.badRequest("the body of the request could not be decoded: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw ApiErrors.badRequest("the body of the request could not be read: " + e.getMessage());
        }
    }

    /** The request's media type without parameters; a body without one is JSON, as in Kubernetes. */
    static String mediaType(Context ctx) {
        String type = ctx.contentType();
        if (type == null || type.isBlank()) {
            return "application/json";
        }
        return type.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
    }

    static boolean wantsTable(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("as=Table");
    }

    private static long parseLong(String value, String name) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiErrors.badRequest("invalid " + name + ": " + value);
        }
    }

    /** {@code /api/v1} or {@code /apis/apps/v1} alone: a discovery document, not a resource. */
    private static String groupVersionOnly(String path) {
        String[] s = java.util.Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toArray(String[]::new);
        if (s.length == 2 && s[0].equals("api")) {
            return s[1];
        }
        if (s.length == 3 && s[0].equals("apis")) {
            return s[1] + "/" + s[2];
        }
        return null;
    }

    static void json(Context ctx, int code, Object body) {
        ctx.status(code).contentType("application/json");
        try {
            ctx.result(Json.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
