package dev.kthw.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The metadata every Kubernetes object carries, in its JSON shape.
 *
 * <p>Fields the client sets ({@code name}, {@code generateName}, {@code namespace},
 * {@code labels}, {@code annotations}, {@code ownerReferences}, {@code finalizers}) and
 * fields the API server sets ({@code uid}, {@code resourceVersion}, {@code generation},
 * the timestamps). A record, so what a cache hands out cannot be changed under it: to
 * change metadata, build a new one.
 *
 * <p>Simpler than Kubernetes: {@code managedFields} is not kept (Kubernetes allows that).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ObjectMeta(
        String name,
        String generateName,
        String namespace,
        String uid,
        String resourceVersion,
        Long generation,
        String creationTimestamp,
        String deletionTimestamp,
        Long deletionGracePeriodSeconds,
        Map<String, String> labels,
        Map<String, String> annotations,
        List<OwnerReference> ownerReferences,
        List<String> finalizers) {

    /** Metadata with only a name and a namespace (null for cluster-scoped objects). */
    public static ObjectMeta named(String namespace, String name) {
        return new ObjectMeta(name, null, namespace, null, null, null, null, null, null,
                Map.of(), Map.of(), List.of(), List.of());
    }

    public ObjectMeta {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        ownerReferences = ownerReferences == null ? List.of() : List.copyOf(ownerReferences);
        finalizers = finalizers == null ? List.of() : List.copyOf(finalizers);
    }

    public ObjectMeta withLabels(Map<String, String> newLabels) {
        return new ObjectMeta(name, generateName, namespace, uid, resourceVersion, generation,
                creationTimestamp, deletionTimestamp, deletionGracePeriodSeconds, newLabels,
                annotations, ownerReferences, finalizers);
    }

    public ObjectMeta withAnnotations(Map<String, String> newAnnotations) {
        return new ObjectMeta(name, generateName, namespace, uid, resourceVersion, generation,
                creationTimestamp, deletionTimestamp, deletionGracePeriodSeconds, labels,
                newAnnotations, ownerReferences, finalizers);
    }

    public ObjectMeta withGenerateName(String prefix) {
        return new ObjectMeta(name, prefix, namespace, uid, resourceVersion, generation,
                creationTimestamp, deletionTimestamp, deletionGracePeriodSeconds, labels,
                annotations, ownerReferences, finalizers);
    }

    /** Who owns this object; the garbage collector deletes it when the owner is gone. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OwnerReference(String apiVersion, String kind, String name, String uid,
                                 Boolean controller, Boolean blockOwnerDeletion) {
    }
}
