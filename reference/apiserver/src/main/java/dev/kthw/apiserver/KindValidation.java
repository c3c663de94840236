package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.FieldError;
import dev.kthw.api.ObjectMetaValidation;
import dev.kthw.api.Validation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks beyond metadata that a kind's own rules demand: a pod has containers with
 * names and images, a controller's selector matches its template. Kubernetes checks far
 * more (every field of a PodSpec); we check what the components rely on, with
 * Kubernetes' messages, and grow this as chapters need it.
 */
final class KindValidation {

    private KindValidation() {
    }

    static List<FieldError> validate(ResourceType type, ObjectNode object) {
        List<FieldError> errors = new ArrayList<>();
        switch (type.kind()) {
            case "Pod" -> podSpec(object.path("spec"), "spec", errors);
            case "Deployment", "ReplicaSet", "DaemonSet" -> controller(object.path("spec"), errors);
            case "Service" -> service(object.path("spec"), errors);
            case "PriorityClass" -> priorityClass(object, errors);
            default -> {
            }
        }
        return errors;
    }

    private static void podSpec(JsonNode spec, String path, List<FieldError> errors) {
        JsonNode containers = spec.path("containers");
        if (!containers.isArray() || containers.isEmpty()) {
            errors.add(FieldError.required(path + ".containers", ""));
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < containers.size(); i++) {
            JsonNode c = containers.get(i);
            String at = path + ".containers[" + i + "]";
            String name = c.path("name").asText("");
            if (name.isEmpty()) {
                errors.add(FieldError.required(at + ".name", ""));
            } else {
                Validation.isDns1123Label(name).forEach(msg -> errors.add(FieldError.invalid(at + ".name", name, msg)));
                if (!names.add(name)) {
                    errors.add(new FieldError(FieldError.Type.DUPLICATE, at + ".name", name, ""));
                }
            }
            if (c.path("image").asText("").isBlank()) {
                errors.add(FieldError.required(at + ".image", ""));
            }
        }
        String policy = spec.path("restartPolicy").asText("Always");
        if (!List.of("Always", "OnFailure", "Never").contains(policy)) {
            errors.add(FieldError.notSupported(path + ".restartPolicy", policy,
                    "supported values: \"Always\", \"OnFailure\", \"Never\""));
        }
    }

    /** A label map printed as Go prints one in Kubernetes' messages: {@code map[string]string{"app":"web"}}. */
    record GoMap(Map<String, String> labels) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("map[string]string{");
            new java.util.TreeMap<>(labels).forEach((k, v) -> s.append(s.charAt(s.length() - 1) == '{' ? "" : ", ")
                    .append('"').append(k).append("\":\"").append(v).append('"'));
            return s.append('}').toString();
        }
    }

    /** Deployments, ReplicaSets and DaemonSets: a selector that the template's labels satisfy. */
    private static void controller(JsonNode spec, List<FieldError> errors) {
        JsonNode selector = spec.path("selector");
        if (selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty()) {
            errors.add(FieldError.required("spec.selector", ""));
        }
        @SuppressWarnings("unchecked")
        Map<String, String> labels = Json.MAPPER.convertValue(spec.path("template").path("metadata").path("labels"),
                Map.class);
        labels = labels == null ? Map.of() : labels;
        errors.addAll(ObjectMetaValidation.validateLabels(labels, "spec.template.metadata.labels"));
        for (var entry : selector.path("matchLabels").properties()) {
            if (!entry.getValue().asText().equals(labels.get(entry.getKey()))) {
                errors.add(FieldError.invalid("spec.template.metadata.labels", new GoMap(labels),
                        "`selector` does not match template `labels`"));
                break;
            }
        }
        podSpec(spec.path("template").path("spec"), "spec.template.spec", errors);
    }

    /** ValidateService, the parts a client gets wrong most: type, ports, node ports. */
    private static void service(JsonNode spec, List<FieldError> errors) {
        String type = spec.path("type").asText("ClusterIP");
        List<String> types = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
        if (!types.contains(type)) {
            errors.add(FieldError.notSupported("spec.type", type,
                    "supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""));
        }
        JsonNode ports = spec.path("ports");
        boolean headless = spec.path("clusterIP").asText("").equals("None");
        if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
            errors.add(FieldError.required("spec.ports", ""));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode port = ports.get(i);
            String at = "spec.ports[" + i + "]";
            String name = port.path("name").asText("");
            if (ports.size() > 1 && name.isEmpty()) {
                errors.add(FieldError.required(at + ".name", ""));
            } else if (!name.isEmpty() && !names.add(name)) {
                errors.add(new FieldError(FieldError.Type.DUPLICATE, at + ".name", name, ""));
            }
            int number = port.path("port").asInt(0);
            if (number < 1 || number > 65535) {
                errors.add(FieldError.invalid(at + ".port", number, "must be between 1 and 65535, inclusive"));
            }
            if (port.path("nodePort").asInt(0) != 0 && (type.equals("ClusterIP") || type.equals("ExternalName"))) {
                errors.add(FieldError.forbidden(at + ".nodePort", "may not be used when `type` is '" + type + "'"));
            }
        }
        if (type.equals("ExternalName") && spec.path("externalName").asText("").isEmpty()) {
            errors.add(FieldError.required("spec.externalName", ""));
        }
    }

    /**
     * ValidatePriorityClass: a value, at most {@link PriorityAdmission#HIGHEST_USER_DEFINABLE_PRIORITY}
     * unless the class is one of the system's own, which alone may use the {@code system-} prefix.
     * Kubernetes' Go type makes a missing value 0; kthw asks for it, as the API reference marks it required.
     */
    private static void priorityClass(ObjectNode priorityClass, List<FieldError> errors) {
        JsonNode value = priorityClass.path("value");
        if (value.isMissingNode() || value.isNull()) {
            errors.add(FieldError.required("value", ""));
            return;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            errors.add(FieldError.invalid("value", value.asText(), "must be a 32-bit integer"));
            return;
        }
        String name = Json.text(priorityClass, "metadata.name");
        boolean globalDefault = priorityClass.path("globalDefault").asBoolean(false);
        if (name.startsWith(PriorityAdmission.SYSTEM_PREFIX)) {
            String problem = systemClassProblem(name, value.asInt(), globalDefault);
            if (problem != null) {
                errors.add(FieldError.forbidden("metadata.name", "priority class names with '"
                        + PriorityAdmission.SYSTEM_PREFIX + "' prefix are reserved for system use only. error: "
                        + problem));
            }
        } else if (value.asInt() > PriorityAdmission.HIGHEST_USER_DEFINABLE_PRIORITY) {
            errors.add(FieldError.forbidden("value", "maximum allowed value of a user defined priority is "
                    + PriorityAdmission.HIGHEST_USER_DEFINABLE_PRIORITY));
        }
        String policy = priorityClass.path("preemptionPolicy").asText("");
        if (priorityClass.has("preemptionPolicy") && !List.of("Never", "PreemptLowerPriority").contains(policy)) {
            errors.add(FieldError.notSupported("preemptionPolicy", policy,
                    "supported values: \"Never\", \"PreemptLowerPriority\""));
        }
    }

    /** Why a {@code system-} class is not one of the system's, or null when it is exactly one. */
    private static String systemClassProblem(String name, int value, boolean globalDefault) {
        for (PriorityAdmission.PriorityClass system : PriorityAdmission.SYSTEM_CLASSES) {
            if (system.name().equals(name)) {
                if (system.value() != value) {
                    return "value of " + name + " PriorityClass must be " + system.value();
                }
                if (system.globalDefault() != globalDefault) {
                    return "globalDefault of " + name + " PriorityClass must be " + system.globalDefault();
                }
                return null;
            }
        }
        return name + " is not a known system priority class";
    }
}
