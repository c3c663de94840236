package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.api.Status;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.util.Map;

/**
 * The subresources beyond status: {@code pods/binding} (how the scheduler assigns a pod
 * to a node), {@code deployments/scale} and {@code replicasets/scale} (how
 * {@code kubectl scale} changes replicas without touching the rest), {@code pods/log}.
 */
final class Subresources {

    private Subresources() {
    }

    static void handle(Context ctx, Target target, Registry registry) throws IOException {
        HandlerType method = ctx.method();
        switch (target.subresource()) {
            case "binding" -> {
                requireMethod(method, HandlerType.POST);
                bind(ctx, target, registry);
            }
            case "scale" -> scale(ctx, target, registry);
            case "log" -> {
                requireMethod(method, HandlerType.GET);
                ObjectNode pod = registry.get(target.type(), target.namespace(), target.name());
                if (Json.text(pod, "spec.nodeName").isEmpty()) {
                    // No node, no logs yet: kube-apiserver answers with an empty stream, not an error.
                    ctx.status(200).contentType("text/plain").result("");
                    return;
                }
                throw ApiErrors.badRequest("logs are served by the kubelet on node " + Json.text(pod, "spec.nodeName")
                        + ", which kthw does not have yet (it arrives in chapter 05)");
            }
            default -> throw ApiErrors.methodNotAllowed();
        }
    }

    /**
     * Binds a pod to a node: sets spec.nodeName once, and only once. A second binding is a
     * conflict, which is how two schedulers racing for one pod find out.
     */
    private static void bind(Context ctx, Target target, Registry registry) throws IOException {
        JsonNode binding = Handlers.parse(Handlers.readBody(ctx), false);
        String node = binding.path("target").path("name").asText("");
        if (node.isEmpty()) {
            throw ApiErrors.badRequest("a binding must name its target node (target.name)");
        }
        ObjectNode pod = registry.get(target.type(), target.namespace(), target.name());
        String assigned = Json.text(pod, "spec.nodeName");
        if (!assigned.isEmpty()) {
            throw new ApiException(Status.failure(409, "Conflict", "Operation cannot be fulfilled on pods/binding \""
                    + target.name() + "\": pod " + target.name() + " is already assigned to node \"" + assigned + "\"",
                    new Status.Details(target.name(), null, "pods/binding", null)));
        }
        Json.child(pod, "spec").put("nodeName", node);
        registry.update(target.type(), target.namespace(), target.name(), pod, false);
        Handlers.json(ctx, 201, Map.of("kind", "Status", "apiVersion", "v1", "metadata", Map.of(),
                "status", "Success", "code", 201));
    }

    /** The autoscaling/v1 Scale view of a Deployment or ReplicaSet, and updates through it. */
    private static void scale(Context ctx, Target target, Registry registry) throws IOException {
        ObjectNode object = registry.get(target.type(), target.namespace(), target.name());
        HandlerType method = ctx.method();
        if (method == HandlerType.GET) {
            Handlers.json(ctx, 200, scaleOf(object));
            return;
        }
        JsonNode requested;
        if (method == HandlerType.PUT) {
            requested = Handlers.parse(Handlers.readBody(ctx), false);
        } else if (method == HandlerType.PATCH) {
            JsonNode patch = Handlers.parse(Handlers.readBody(ctx), false);
            String type = Handlers.mediaType(ctx);
            requested = type.equals("application/json-patch+json")
                    ? Patches.jsonPatch(scaleOf(object), patch) : Patches.mergePatch(scaleOf(object), patch);
        } else {
            throw ApiErrors.methodNotAllowed();
        }
        String expected = Json.text(requested, "metadata.resourceVersion");
        if (!expected.isEmpty() && !expected.equals(Json.text(object, "metadata.resourceVersion"))) {
            throw ApiErrors.conflict(target.type(), target.name());
        }
        JsonNode replicas = requested.path("spec").path("replicas");
        if (!replicas.canConvertToInt() || replicas.asInt() < 0) {
            throw ApiErrors.badRequest("spec.replicas must be a non-negative integer");
        }
        Json.child(object, "spec").put("replicas", replicas.asInt());
        ObjectNode updated = registry.update(target.type(), target.namespace(), target.name(), object, false);
        Handlers.json(ctx, 200, scaleOf(updated));
    }

    static ObjectNode scaleOf(ObjectNode object) {
        ObjectNode scale = Json.MAPPER.createObjectNode().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
        ObjectNode meta = scale.putObject("metadata");
        for (String field : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (object.path("metadata").has(field)) {
                meta.set(field, object.path("metadata").get(field));
            }
        }
        scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt(0));
        ObjectNode status = scale.putObject("status").put("replicas", object.path("status").path("replicas").asInt(0));
        StringBuilder selector = new StringBuilder();
        object.path("spec").path("selector").path("matchLabels").properties().forEach(e -> selector
                .append(selector.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue().asText()));
        if (selector.length() > 0) {
            status.put("selector", selector.toString());
        }
        return scale;
    }

    private static void requireMethod(HandlerType actual, HandlerType wanted) {
        if (actual != wanted) {
            throw ApiErrors.methodNotAllowed();
        }
    }
}
