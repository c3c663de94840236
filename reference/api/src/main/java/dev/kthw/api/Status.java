package dev.kthw.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The object the API server answers with when a request fails (and, for a few calls such
 * as delete, when it succeeds): {@code kind: Status}, a numeric {@code code}, a
 * machine-readable {@code reason} and a human {@code message}.
 *
 * <p>kubectl reads {@code reason} to print {@code Error from server (NotFound): ...}, and
 * for 422 it prints each of {@code details.causes}. Clients decide whether to retry from
 * {@code code} and {@code reason}, never from the message.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "apiVersion", "metadata", "status", "message", "reason", "details", "code"})
public record Status(String kind, String apiVersion, Map<String, Object> metadata, String status,
                     String message, String reason, Details details, int code) {

    /** Which object the error is about, and the field causes of a 422. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"name", "group", "kind", "causes"})
    public record Details(String name, String group, String kind, List<Cause> causes) {
    }

    /** One field error inside {@link Details}. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"reason", "message", "field"})
    public record Cause(String reason, String message, String field) {
    }

    public static Status failure(int code, String reason, String message, Details details) {
        return new Status("Status", "v1", Map.of(), "Failure", message, reason, details, code);
    }

    // tag::invalid[]
    /**
     * The 422 Kubernetes answers for an object that fails validation. {@code kind} is the
     * kind qualified by its group as Kubernetes prints it ({@code Pod},
     * {@code Deployment.apps}).
     */
    public static Status invalid(String group, String kind, String name, List<FieldError> errors) {
        String qualifiedKind = group == null || group.isEmpty() ? kind : kind + "." + group;
        List<Cause> causes = errors.stream()
                .map(e -> new Cause(e.type().reason, e.body(), e.field()))
                .toList();
        String message = qualifiedKind + " \"" + name + "\" is invalid: " + aggregate(errors);
        return failure(422, "Invalid", message, new Details(name, group, kind, causes));
    }
    // end::invalid[]

    /** One error prints as itself; several as {@code [a, b]}, as apimachinery's aggregate does. */
    private static String aggregate(List<FieldError> errors) {
        if (errors.size() == 1) {
            return errors.get(0).toString();
        }
        return errors.stream().map(FieldError::toString)
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }
}
