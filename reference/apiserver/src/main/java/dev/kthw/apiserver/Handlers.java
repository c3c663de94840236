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
 * <p>Every handler has the same shape: decode (path, query, body) → validate → admit
 * (the Priority admission plugin: {@link PriorityAdmission}) → store (through the registry,
 * which checks what every kind shares) → encode (JSON, or a Table when kubectl asks for
 * one). Errors anywhere become a Kubernetes {@link Status}.
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
    /** A patch races other writers this many times before it gives up with their 409 (kube-apiserver: no limit). */
    private static final int MAX_PATCH_ATTEMPTS = 100;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Registry registry;
    private final Registry dryRun;   // the same rules over a store that checks writes and does not do them
    private final Clock clock;
    private final WatchStreamer watches;
    private final PriorityAdmission priority;   // admission: pods' priorities, from their PriorityClass

    Handlers(Registry registry, Registry dryRun, PriorityAdmission priority, Clock clock) {
        this.registry = registry;
        this.dryRun = dryRun;
        this.priority = priority;
        this.clock = clock;
        this.watches = new WatchStreamer(registry, clock);
    }

    /** Stops the threads that serve open watches. */
    void close() {
        watches.close();
    }

    void register(Javalin app, String serverAddress) {
        app.get("/version", ctx -> json(ctx, 200, Discovery.version()));
        for (String probe : List.of("/healthz", "/livez", "/readyz")) {
            app.get(probe, ctx -> ctx.contentType("text/plain").result("ok"));
        }
        app.get("/api", ctx -> discovery(ctx, true, Discovery.coreVersions(serverAddress)));
        app.get("/apis", ctx -> discovery(ctx, false, Discovery.groups()));
        // kubectl create/apply validate against OpenAPI; an empty v2 document is accepted by every version.
        app.get("/openapi/v2", ctx -> ctx.status(200).contentType(OPENAPI_V2_PROTOBUF).result(new byte[0]));
        // kubectl explain reads the schemas from OpenAPI v3: an index, then one document per group/version.
        app.get("/openapi/v3", ctx -> json(ctx, 200, OpenApi.index()));
        app.get("/openapi/v3/<path>", ctx -> {
            ObjectNode document = OpenApi.document(ctx.pathParam("path"));
            if (document == null) {
                throw ApiErrors.pathNotFound();
            }
            json(ctx, 200, document);
        });
        for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
                HandlerType.DELETE)) {
            app.addHttpHandler(method, "/api/<rest>", this::dispatch);
            app.addHttpHandler(method, "/apis/<rest>", this::dispatch);
        }
        app.exception(ApiException.class, (e, ctx) -> json(ctx, e.code(), e.status()));
        app.exception(Exception.class, (e, ctx) -> json(ctx, 500, Status.failure(500, "InternalError",
                "Internal error occurred: " + e, null)));
    }

    /**
     * {@code /api} and {@code /apis}: aggregated discovery when the client asks for it, the
     * legacy list of group/versions otherwise. The answer depends on Accept, so says so in
     * Vary, for caches between kubectl and us.
     */
    private static void discovery(Context ctx, boolean core, ObjectNode legacy) {
        ctx.header("Vary", "Accept");
        String version = Discovery.negotiate(ctx.header("Accept"));
        if (version == null) {
            json(ctx, 200, legacy);
            return;
        }
        json(ctx, 200, Discovery.aggregated(core, version));
        // Exactly as asked for: Jetty would add ";charset=utf-8" to a media type it does not know.
        ctx.res().setCharacterEncoding(null);
        ctx.contentType(Discovery.aggregatedContentType(version));
    }

    private void dispatch(Context ctx) throws IOException {
        String path = ctx.path();
        if (isDiscoveryPath(path)) {
            ObjectNode document = ctx.method() == HandlerType.GET ? discoveryDocument(path) : null;
            if (document == null) {
                throw ApiErrors.pathNotFound();
            }
            json(ctx, 200, document);
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
            } else if (method == HandlerType.DELETE && !target.type().kind().equals("Namespace")) {
                deleteCollection(ctx, target);     // namespaces go one at a time, as discovery says
            } else {
                throw ApiErrors.methodNotAllowed();
            }
            return;
        }
        String sub = target.subresource();
        if (sub != null && !sub.equals("status")) {
            Subresources.handle(ctx, target, writer(ctx), clock);
            return;
        }
        switch (method.name()) {
            case "GET" -> get(ctx, target);
            case "PUT" -> {
                ObjectNode object = decodeBody(ctx, target);
                pruneUnknownFields(ctx, target, object, cannotBeHandled(target));
                update(ctx, target, object);
            }
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
        pruneUnknownFields(ctx, target, object, cannotBeHandled(target));
        String namespace = Json.text(object, "metadata.namespace");
        if (target.type().namespaced() && !namespace.isEmpty() && !namespace.equals(target.namespace())) {
            throw ApiErrors.badRequest("the namespace of the provided object does not match the namespace sent on "
                    + "the request");
        }
        priority.admitCreate(target.type(), object);   // admission: a pod gets its priority (chapter 03)
        json(ctx, 201, writer(ctx).create(target.type(), target.namespace(), object));
    }
    // end::create-handler[]

    void update(Context ctx, Target target, ObjectNode object) {
        String name = Json.text(object, "metadata.name");
        if (!name.isEmpty() && !name.equals(target.name())) {
            throw ApiErrors.badRequest("the name of the object (" + name + ") does not match the name on the URL ("
                    + target.name() + ")");
        }
        boolean statusOnly = "status".equals(target.subresource());
        if (!statusOnly) {
            priority.admitUpdate(target.type(), object, () -> registry.get(target.type(), target.namespace(),
                    target.name()));
        }
        json(ctx, 200, writer(ctx).update(target.type(), target.namespace(), target.name(), object, statusOnly));
    }

    /**
     * A patch is applied to the object as it is now and written back on the condition that
     * it still is: if another client wrote in between (409 Conflict), the patch is applied
     * again to the newer object, as kube-apiserver does, so nobody's change is lost. Only
     * a patch that names a resourceVersion of its own gets the 409.
     */
    private void patch(Context ctx, Target target) throws IOException {
        String contentType = mediaType(ctx);
        JsonNode patch = parse(readBody(ctx), contentType.endsWith("yaml"));
        boolean apply = contentType.equals("application/apply-patch+yaml");
        for (int attempt = 1; ; attempt++) {
            ObjectNode current;
            try {
                current = registry.get(target.type(), target.namespace(), target.name());
            } catch (ApiException notFound) {
                if (apply && notFound.code() == 404 && patch instanceof ObjectNode o) {
                    // Server-side apply creates what does not exist yet.
                    checkKind(o, target);
                    pruneUnknownFields(ctx, target, o, "");
                    priority.admitCreate(target.type(), o);
                    json(ctx, 201, writer(ctx).create(target.type(), target.namespace(), o));
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
            String read = Json.text(current, "metadata.resourceVersion");
            boolean pinned = !Json.text(object, "metadata.resourceVersion").isEmpty()
                    && !Json.text(object, "metadata.resourceVersion").equals(read);
            if (!pinned) {
                Json.child(object, "metadata").put("resourceVersion", read);   // write only over what was read
            }
            pruneUnknownFields(ctx, target, object, "");
            try {
                update(ctx, target, object);
                return;
            } catch (ApiException e) {
                if (pinned || attempt == MAX_PATCH_ATTEMPTS || !"Conflict".equals(e.status().reason())) {
                    throw e;
                }
            }
        }
    }

    /**
     * The registry a write goes through: the real one, or with {@code ?dryRun=All} the one
     * whose store checks every write and does none ({@code kubectl --dry-run=server}).
     */
    private Registry writer(Context ctx) {
        List<String> values = ctx.queryParams("dryRun");
        for (String value : values) {
            if (!value.equals("All")) {
                throw ApiErrors.badRequest("dryRun: Unsupported value: \"" + value + "\": supported values: \"All\"");
            }
        }
        return values.isEmpty() ? registry : dryRun;
    }

    /** One object; as a one-row Table when kubectl asks for one ({@code kubectl get pod web}). */
    private void get(Context ctx, Target target) {
        ObjectNode object = registry.get(target.type(), target.namespace(), target.name());
        if (wantsTable(ctx)) {
            json(ctx, 200, Tables.table(target.type(), List.of(object), Json.text(object, "metadata.resourceVersion"),
                    null, true, clock.instant()));
            return;
        }
        json(ctx, 200, object);
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
        priority.admitDelete(target.type(), target.name());
        json(ctx, 200, writer(ctx).delete(target.type(), target.namespace(), target.name(), grace, precondition));
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
                priority.admitDelete(target.type(), Json.text(object, "metadata.name"));
                items.add(writer(ctx).delete(target.type(), Json.text(object, "metadata.namespace").isEmpty() ? null
                        : Json.text(object, "metadata.namespace"), Json.text(object, "metadata.name"), null, null));
            } catch (ApiException e) {
                if (e.code() != 404 && e.code() != 403) {   // gone already, or a system PriorityClass: it stays
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
        JsonNode body;
        if (contentType.equals(Protobuf.MEDIA_TYPE)) {
            body = Protobuf.decode(readBody(ctx), ApiTypes.of(target.type()));
        } else if (contentType.equals("application/json") || contentType.equals("application/yaml")) {
            body = parse(readBody(ctx), contentType.equals("application/yaml"));
        } else {
            throw ApiErrors.unsupportedMediaType();
        }
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

    /**
     * Drops the fields the kind does not have, as decoding into Kubernetes' Go types does;
     * then, by the request's fieldValidation, refuses the request (Strict), says so in
     * Warning headers (Warn, the default) or says nothing (Ignore).
     */
    private static void pruneUnknownFields(Context ctx, Target target, ObjectNode object, String strictPrefix) {
        FieldPruning.Directive directive = FieldPruning.Directive.of(ctx.queryParam("fieldValidation"));
        List<String> unknown = FieldPruning.prune(object, ApiTypes.of(target.type()));
        if (unknown.isEmpty() || directive == FieldPruning.Directive.IGNORE) {
            return;
        }
        if (directive == FieldPruning.Directive.STRICT) {
            throw ApiErrors.badRequest(strictPrefix + "strict decoding error: "
                    + String.join(", ", unknown.stream().map(FieldPruning::describe).toList()));
        }
        for (String path : unknown) {
            ctx.res().addHeader("Warning", "299 - \"" + FieldPruning.describe(path).replace("\"", "\\\"") + "\"");
        }
    }

    /** The start of a create's or update's decoding error: {@code Pod in version "v1" cannot be handled as a Pod: }. */
    private static String cannotBeHandled(Target target) {
        ResourceType type = target.type();
        return type.kind() + " in version \"" + type.version() + "\" cannot be handled as a " + type.kind() + ": ";
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

    /** {@code /api/v1}, {@code /apis/apps/v1} or {@code /apis/apps} alone: a discovery document, not a resource. */
    private static boolean isDiscoveryPath(String path) {
        String[] s = segments(path);
        return s.length == 2 || (s.length == 3 && s[0].equals("apis"));
    }

    /** The resources of a group/version ({@code APIResourceList}) or a named group's versions ({@code APIGroup}). */
    private static ObjectNode discoveryDocument(String path) {
        String[] s = segments(path);
        if (s[0].equals("api")) {
            return Discovery.resources(s[1]);
        }
        return s.length == 2 ? Discovery.group(s[1]) : Discovery.resources(s[1] + "/" + s[2]);
    }

    private static String[] segments(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toArray(String[]::new);
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
