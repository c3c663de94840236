package dev.kthw.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validates the metadata of an object before the API server stores it: a name (given,
 * or generated from {@code generateName} before this runs), a namespace exactly when the
 * kind is namespaced, and well-formed labels and annotations.
 *
 * <p>Every kind shares these rules; only the rule for names differs ({@link NameRule}).
 * Errors are collected, never thrown, so a client sees every problem at once.
 *
 * <p>Simpler than Kubernetes: ownerReferences, finalizers and managedFields are not
 * checked yet, and maps are walked in sorted key order (Go walks them at random) so
 * messages come out in a stable order.
 */
public final class ObjectMetaValidation {

    /** The most bytes all annotations of one object may hold, keys and values together. */
    public static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

    /** How the names of one kind are checked; {@code prefix} is true for generateName. */
    @FunctionalInterface
    public interface NameRule {
        List<String> check(String name, boolean prefix);
    }

    /** Most kinds: Pods, ConfigMaps, Nodes, Deployments, ... */
    public static final NameRule DNS_SUBDOMAIN =
            (name, prefix) -> Validation.isDns1123Subdomain(prefix ? maskTrailingDash(name) : name);

    /** Namespaces. */
    public static final NameRule DNS_LABEL =
            (name, prefix) -> Validation.isDns1123Label(prefix ? maskTrailingDash(name) : name);

    /** Services, whose names become DNS names that must start with a letter. */
    public static final NameRule DNS1035_LABEL =
            (name, prefix) -> Validation.isDns1035Label(prefix ? maskTrailingDash(name) : name);

    private ObjectMetaValidation() {
    }

    /**
     * Validates {@code meta} under {@code metadata}. {@code namespaced} says whether the
     * kind lives in a namespace (Pods do, Nodes do not).
     */
    public static List<FieldError> validate(ObjectMeta meta, boolean namespaced, NameRule nameRule) {
        // TODO lab 01, task object-meta:
        // Collect, in this order: generateName (each nameRule message with prefix=true
        // is an Invalid error), name ("name or generateName is required" when empty,
        // else each nameRule message is Invalid), namespace (namespaced kinds: Required
        // with detail "" when empty, Invalid for each isDns1123Label message; other
        // kinds: Forbidden "not allowed on this type" when set), then the labels and
        // the annotations with the two methods below.
        throw new UnsupportedOperationException("lab 01, task object-meta: not written yet (see labs/01-api-server/README.adoc)");
    }

    /**
     * Label keys are qualified names, values are label values; every message becomes an
     * Invalid error on the whole map's field, with the offending key or value.
     */
    public static List<FieldError> validateLabels(Map<String, String> labels, String field) {
        // TODO lab 01, task labels:
        // For each label (walk the keys in sorted order): every isQualifiedName
        // message for the key, then every isValidLabelValue message for the value,
        // each as FieldError.invalid(field, <the key or the value>, message).
        throw new UnsupportedOperationException("lab 01, task labels: not written yet (see labs/01-api-server/README.adoc)");
    }

    /**
     * Annotation keys follow the label-key rule, ignoring case; values are free text, but
     * all annotations together may not exceed 256 KiB.
     */
    public static List<FieldError> validateAnnotations(Map<String, String> annotations, String field) {
        List<FieldError> errors = new ArrayList<>();
        long size = 0;
        for (Map.Entry<String, String> annotation : new TreeMap<>(annotations).entrySet()) {
            for (String msg : Validation.isQualifiedName(annotation.getKey().toLowerCase(java.util.Locale.ROOT))) {
                errors.add(FieldError.invalid(field, annotation.getKey(), msg));
            }
            size += annotation.getKey().getBytes(StandardCharsets.UTF_8).length
                    + annotation.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
            errors.add(FieldError.tooLong(field,
                    "may not be more than " + TOTAL_ANNOTATION_SIZE_LIMIT + " bytes"));
        }
        return errors;
    }

    /**
     * A generateName such as {@code web-} is checked as if the random suffix were there:
     * Kubernetes replaces the trailing dash before checking (dropping one more character,
     * a quirk we keep so the same prefixes pass and fail).
     */
    static String maskTrailingDash(String name) {
        if (name.length() > 1 && name.endsWith("-")) {
            return name.substring(0, name.length() - 2) + "a";
        }
        return name;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
