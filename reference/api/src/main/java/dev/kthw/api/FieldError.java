package dev.kthw.api;

import java.util.Objects;

/**
 * One thing wrong with one field of an object, as Kubernetes reports it.
 *
 * <p>Kubernetes validation never stops at the first problem: it collects a list of
 * field errors, and the API server turns the list into a 422 {@link Status} whose
 * {@code details.causes} carry one entry per error. kubectl prints them as
 * {@code The Pod "x" is invalid: metadata.name: Invalid value: "X": ...}.
 *
 * <p>This mirrors apimachinery's {@code field.Error}: {@code field} is the JSON path of
 * the field ({@code metadata.labels}), {@code badValue} the offending value (null when
 * the error does not show one), {@code detail} the human explanation.
 */
public record FieldError(Type type, String field, Object badValue, String detail) {

    /** The kinds of error Kubernetes distinguishes; each has a cause reason and a phrase. */
    public enum Type {
        REQUIRED("FieldValueRequired", "Required value"),
        INVALID("FieldValueInvalid", "Invalid value"),
        DUPLICATE("FieldValueDuplicate", "Duplicate value"),
        NOT_FOUND("FieldValueNotFound", "Not found"),
        NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
        FORBIDDEN("FieldValueForbidden", "Forbidden"),
        TOO_LONG("FieldValueTooLong", "Too long"),
        TOO_MANY("FieldValueTooMany", "Too many");

        /** The {@code reason} of a {@code StatusCause}. */
        public final String reason;
        /** The phrase that starts the message. */
        public final String phrase;

        Type(String reason, String phrase) {
            this.reason = reason;
            this.phrase = phrase;
        }
    }

    public FieldError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(field, "field");
        detail = detail == null ? "" : detail;
    }

    public static FieldError required(String field, String detail) {
        return new FieldError(Type.REQUIRED, field, null, detail);
    }

    public static FieldError invalid(String field, Object badValue, String detail) {
        return new FieldError(Type.INVALID, field, badValue, detail);
    }

    public static FieldError forbidden(String field, String detail) {
        return new FieldError(Type.FORBIDDEN, field, null, detail);
    }

    public static FieldError tooLong(String field, String detail) {
        return new FieldError(Type.TOO_LONG, field, null, detail);
    }

    public static FieldError notSupported(String field, Object badValue, String detail) {
        return new FieldError(Type.NOT_SUPPORTED, field, badValue, detail);
    }

    // tag::body[]
    /**
     * The message without the field, as it appears in a {@code StatusCause}:
     * {@code Invalid value: "X": a lowercase RFC 1123 ...}. Required, Forbidden and
     * Too long never show the value, as in Kubernetes.
     */
    public String body() {
        String s = switch (type) {
            case REQUIRED, FORBIDDEN, TOO_LONG -> type.phrase;
            default -> type.phrase + ": " + quote(badValue);
        };
        return detail.isEmpty() ? s : s + ": " + detail;
    }
    // end::body[]

    /** {@code metadata.name: Invalid value: "X": ...}, the form kubectl shows. */
    @Override
    public String toString() {
        return field + ": " + body();
    }

    /** Strings are quoted the way Go's {@code %#v} prints them; other values as they are. */
    private static String quote(Object value) {
        if (value instanceof String s) {
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        return String.valueOf(value);
    }
}
