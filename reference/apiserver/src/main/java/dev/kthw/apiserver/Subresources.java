package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.api.FieldError;
import dev.kthw.api.Status;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The subresources beyond status: {@code pods/binding} (how the scheduler assigns a pod
 * to a node), {@code deployments/scale} and {@code replicasets/scale} (how
 * {@code kubectl scale} changes replicas without touching the rest), {@code pods/log}.
 */
final class Subresources {

    private Subresources() {
    }

    static void handle(Context ctx, Target target, Registry registry, Clock clock) throws IOException {
        HandlerType method = ctx.method();
        switch (target.subresource()) {
            case "binding" -> {
                requireMethod(method, HandlerType.POST);
                bind(ctx, target, registry, clock);
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
     * Binds a pod to a node, as the scheduler asks: sets spec.nodeName, once and only once,
     * marks the pod PodScheduled=True and copies the binding's annotations onto it, all in
     * one write.
     *
     * <p>The write is a {@link Registry#guaranteedUpdate}: a kubelet or controller writing
     * the pod's status at the same moment costs a retry inside the server, not a 409 to the
     * scheduler. The 409s left are the ones that mean something: the pod is on a node
     * already (two schedulers raced for it, and this one lost), or it is no longer the pod
     * the scheduler decided about (the binding's uid or resourceVersion, when it carries
     * them, do not match: the pod was deleted and created again).
     *
     * <p>kube-apiserver answers a malformed binding, a pod being deleted and a pod with
     * scheduling gates with a bare error, which becomes 500; kthw says 400 and 409.
     */
    private static void bind(Context ctx, Target target, Registry registry, Clock clock) throws IOException {
        JsonNode binding = Handlers.parse(Handlers.readBody(ctx), false);
        if (!Json.text(binding, "metadata.name").equals(target.name())) {
            throw ApiErrors.badRequest("name in URL does not match name in Binding object");
        }
        String kind = binding.path("target").path("kind").asText("");
        String node = binding.path("target").path("name").asText("");
        List<FieldError> errors = new ArrayList<>();   // ValidatePodBinding
        if (!kind.isEmpty() && !kind.equals("Node")) {
            errors.add(FieldError.notSupported("target.kind", kind, "supported values: \"Node\", \"<empty>\""));
        }
        if (node.isEmpty()) {
            errors.add(FieldError.required("target.name", ""));
        }
        if (!errors.isEmpty()) {
            throw ApiErrors.badRequest(errors.size() == 1 ? errors.get(0).toString()
                    : errors.stream().map(FieldError::toString).toList().toString());
        }
        JsonNode annotations = binding.path("metadata").path("annotations");
        String now = Registry.timestamp(clock.instant());
        registry.guaranteedUpdate(target.type(), target.namespace(), target.name(), pod -> {
            requirePreconditions(binding, pod, target.name());
            String assigned = Json.text(pod, "spec.nodeName");
            if (!assigned.isEmpty()) {
                throw bindingConflict(target.name(), "pod " + target.name() + " is already assigned to node \""
                        + assigned + "\"");
            }
            if (pod.path("metadata").has("deletionTimestamp")) {
                throw bindingConflict(target.name(), "pod " + target.name()
                        + " is being deleted, cannot be assigned to a host");
            }
            if (pod.path("spec").path("schedulingGates").size() > 0) {
                throw bindingConflict(target.name(), "pod " + target.name() + " has non-empty .spec.schedulingGates");
            }
            Json.child(pod, "spec").put("nodeName", node);
            annotations.properties().forEach(a -> Json.child(Json.child(pod, "metadata"), "annotations")
                    .put(a.getKey(), a.getValue().asText()));
            setPodScheduled(Json.child(pod, "status"), now);
            return pod;
        });
        Handlers.json(ctx, 201, Map.of("kind", "Status", "apiVersion", "v1", "metadata", Map.of(),
                "status", "Success", "code", 201));
    }

    /** The binding's uid and resourceVersion, when it has them, are preconditions on the pod. */
    private static void requirePreconditions(JsonNode binding, ObjectNode pod, String name) {
        for (String field : List.of("uid", "resourceVersion")) {
            String wanted = Json.text(binding, "metadata." + field);
            String actual = Json.text(pod, "metadata." + field);
            if (!wanted.isEmpty() && !wanted.equals(actual)) {
                String label = field.equals("uid") ? "UID" : "ResourceVersion";
                throw new ApiException(Status.failure(409, "Conflict", "Operation cannot be fulfilled on pods \""
                        + name + "\": Precondition failed: " + label + " in precondition: " + wanted + ", " + label
                        + " in object meta: " + actual, new Status.Details(name, null, "pods", null)));
            }
        }
    }

    /**
     * The PodScheduled condition, True, replacing whatever the scheduler wrote before (a
     * False with reason Unschedulable). Its lastTransitionTime stays if it was True already.
     */
    private static void setPodScheduled(ObjectNode status, String now) {
        ArrayNode conditions = status.get("conditions") instanceof ArrayNode list ? list : status.putArray("conditions");
        ObjectNode scheduled = Json.MAPPER.createObjectNode().put("type", "PodScheduled").put("status", "True")
                .putNull("lastProbeTime").put("lastTransitionTime", now);
        for (int i = 0; i < conditions.size(); i++) {
            JsonNode old = conditions.get(i);
            if (old.path("type").asText().equals("PodScheduled")) {
                if (old.path("status").asText().equals("True") && old.hasNonNull("lastTransitionTime")) {
                    scheduled.set("lastTransitionTime", old.get("lastTransitionTime"));
                }
                conditions.set(i, scheduled);
                return;
            }
        }
        conditions.add(scheduled);
    }

    private static ApiException bindingConflict(String name, String why) {
        return new ApiException(Status.failure(409, "Conflict", "Operation cannot be fulfilled on pods/binding \""
                + name + "\": " + why, new Status.Details(name, null, "pods/binding", null)));
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
