package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The fields a client may name in a {@link FieldSelector}, kind by kind, and their values
 * for a given object.
 *
 * <p>A field selector cannot reach any field of any object: kube-apiserver offers each kind
 * a short, fixed list, chosen because some client needs it (the kubelet watches
 * {@code spec.nodeName=<its node>}, {@code kubectl describe} lists events by
 * {@code involvedObject.*}). Two pieces of kube-apiserver make that list, and this class
 * has one method for each:
 * <ul>
 *   <li>{@link #check}: when a list or watch request is decoded, each field goes through
 *       the kind's field-label conversion function, which rejects the ones it does not know
 *       (a 400 Bad Request, before anything is read from storage);</li>
 *   <li>{@link #of}: the kind's registry strategy turns each object into a flat map of
 *       field to string ({@code GetAttrs}/{@code ToSelectableFields}), which the selector
 *       is matched against.</li>
 * </ul>
 *
 * <p>Values are strings as Go would print the typed field: a missing string is "", a
 * missing boolean is "false" and a missing number "0" (Go's zero values), which is why
 * {@code kubectl get nodes --field-selector spec.unschedulable=false} lists nodes that
 * never set the field.
 *
 * <p>Kinds with no conversion function of their own (ConfigMaps, Deployments, Leases, ...)
 * get apimachinery's default: {@code metadata.name} and {@code metadata.namespace}, the
 * latter even for cluster-scoped kinds such as PersistentVolumes, where it is always "".
 * Node and Namespace have their own functions, which leave {@code metadata.namespace} out.
 *
 * <p>Simpler than Kubernetes: the legacy pod field {@code spec.host}, which kube-apiserver
 * quietly renames to {@code spec.nodeName}, is not accepted.
 */
public final class SelectableFields {

    /** Reads one field's value out of an object in its JSON shape. */
    @FunctionalInterface
    private interface Getter {
        String valueIn(ObjectNode object);
    }

    /**
     * The kinds with a field-label conversion function of their own, keyed by
     * {@link ResourceType#qualifiedKind()}. The others get {@link #DEFAULT_FIELDS}.
     */
    private static final Map<String, Map<String, Getter>> REGISTERED = Map.of(
            "Pod", podFields(),
            "Node", nodeFields(),
            "Namespace", namespaceFields(),
            "Service", serviceFields(),
            "Secret", secretFields(),
            "Event", eventFields());

    private static final Map<String, Getter> DEFAULT_FIELDS = objectMeta(true);

    private SelectableFields() {
    }

    /** The field names a selector on this kind may use, in a stable order. */
    public static Set<String> supported(ResourceType type) {
        return Collections.unmodifiableSet(fieldsOf(type).keySet());
    }

    /** Every supported field of this object with its value, ready for {@link FieldSelector#matches}. */
    public static Map<String, String> of(ResourceType type, ObjectNode object) {
        Objects.requireNonNull(object, "object");
        Map<String, String> values = new LinkedHashMap<>();
        fieldsOf(type).forEach((field, getter) -> values.put(field, getter.valueIn(object)));
        return Collections.unmodifiableMap(values);
    }

    /**
     * Rejects a selector that names a field this kind does not offer, with the message
     * kube-apiserver gives: {@code field label not supported: spec.foo} from the kinds
     * with their own conversion, apimachinery's default wording from the others.
     */
    public static void check(ResourceType type, FieldSelector selector) {
        Objects.requireNonNull(selector, "selector");
        boolean registered = REGISTERED.containsKey(type.qualifiedKind());
        Set<String> supported = supported(type);
        for (String field : selector.fields()) {
            if (supported.contains(field)) {
                continue;
            }
            throw new IllegalArgumentException(registered
                    ? "field label not supported: " + field
                    : LabelSelector.goQuote(field)
                            + " is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
        }
    }

    private static Map<String, Getter> fieldsOf(ResourceType type) {
        Objects.requireNonNull(type, "type");
        return REGISTERED.getOrDefault(type.qualifiedKind(), DEFAULT_FIELDS);
    }

    // ---------------------------------------------------------------------------------
    // The kinds, as pkg/apis/core/v1/conversion.go accepts them and the registry
    // strategies fill them in.

    private static Map<String, Getter> podFields() {
        Map<String, Getter> fields = objectMeta(true);
        fields.put("spec.nodeName", o -> text(o, "spec", "nodeName"));
        fields.put("spec.restartPolicy", o -> text(o, "spec", "restartPolicy"));
        fields.put("spec.schedulerName", o -> text(o, "spec", "schedulerName"));
        fields.put("spec.serviceAccountName", o -> text(o, "spec", "serviceAccountName"));
        fields.put("spec.hostNetwork", o -> bool(o, "spec", "hostNetwork"));
        fields.put("status.phase", o -> text(o, "status", "phase"));
        fields.put("status.podIP", SelectableFields::podIP);
        // Accepted by the conversion but never filled in by the pod strategy, so in
        // Kubernetes it only ever equals "". We keep that rather than invent a format.
        fields.put("status.podIPs", o -> "");
        fields.put("status.nominatedNodeName", o -> text(o, "status", "nominatedNodeName"));
        return fields;
    }

    /** The primary IP: {@code status.podIP}, or the first of {@code status.podIPs} when only that is set. */
    private static String podIP(ObjectNode pod) {
        String ip = text(pod, "status", "podIP");
        return ip.isEmpty() ? text(pod.path("status").path("podIPs").path(0), "ip") : ip;
    }

    private static Map<String, Getter> nodeFields() {
        Map<String, Getter> fields = objectMeta(false);
        fields.put("spec.unschedulable", o -> bool(o, "spec", "unschedulable"));
        return fields;
    }

    private static Map<String, Getter> namespaceFields() {
        Map<String, Getter> fields = objectMeta(false);
        fields.put("status.phase", o -> text(o, "status", "phase"));
        return fields;
    }

    /** {@code spec.clusterIP} lets kube-proxy skip headless Services ({@code spec.clusterIP!=None}). */
    private static Map<String, Getter> serviceFields() {
        Map<String, Getter> fields = objectMeta(true);
        fields.put("spec.clusterIP", o -> text(o, "spec", "clusterIP"));
        fields.put("spec.type", o -> text(o, "spec", "type"));
        return fields;
    }

    private static Map<String, Getter> secretFields() {
        Map<String, Getter> fields = objectMeta(true);
        fields.put("type", o -> text(o, "type"));
        return fields;
    }

    private static Map<String, Getter> eventFields() {
        Map<String, Getter> fields = objectMeta(true);
        for (String f : new String[] {"kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"}) {
            fields.put("involvedObject." + f, o -> text(o, "involvedObject", f));
        }
        fields.put("reason", o -> text(o, "reason"));
        fields.put("reportingComponent", o -> text(o, "reportingComponent"));
        // Events written through events.k8s.io have no source.component; Kubernetes
        // falls back to the reporting controller so "source=kubelet" finds both.
        fields.put("source", o -> {
            String component = text(o, "source", "component");
            return component.isEmpty() ? text(o, "reportingComponent") : component;
        });
        fields.put("type", o -> text(o, "type"));
        return fields;
    }

    // ReplicaSets: the strategy offers status.replicas, but apps/v1 never registered it, so a
    // real cluster rejects it (kubernetes#135136) and so do we; they get the default fields.

    private static Map<String, Getter> objectMeta(boolean withNamespace) {
        Map<String, Getter> fields = new LinkedHashMap<>();
        fields.put("metadata.name", o -> text(o, "metadata", "name"));
        if (withNamespace) {
            fields.put("metadata.namespace", o -> text(o, "metadata", "namespace"));
        }
        return fields;
    }

    // ---------------------------------------------------------------------------------
    // Reading values: absent and null are Go's zero value for the field's type.

    private static JsonNode at(JsonNode node, String... path) {
        JsonNode current = node;
        for (String name : path) {
            current = current.path(name);
        }
        return current;
    }

    private static String text(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isMissingNode() || value.isNull() ? "" : value.asText();
    }

    private static String bool(JsonNode node, String... path) {
        return String.valueOf(at(node, path).asBoolean(false));
    }
}
