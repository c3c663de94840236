package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Request bodies in Kubernetes' protobuf encoding, decoded into the same JSON tree a
 * JSON body would give, so the rest of the server never sees protobuf.
 *
 * <p>kubectl 1.32 and later send {@code kubectl create namespace|configmap|secret|
 * deployment|service|serviceaccount} this way ({@code Content-Type:
 * application/vnd.kubernetes.protobuf}). The body is an envelope:
 * <pre>
 *   "k8s\0"                        4 magic bytes
 *   runtime.Unknown {              a protobuf message
 *     typeMeta        = 1 { apiVersion = 1, kind = 2 }
 *     raw             = 2          the object, as its own message (Pod, Namespace, ...)
 *     contentEncoding = 3          empty: kthw refuses anything else
 *     contentType     = 4
 *   }
 * </pre>
 * A protobuf message is a run of (field number, wire type, value) records and says
 * nothing about names or types; {@link ApiTypes} supplies both. Maps travel as repeated
 * entry messages {key = 1, value = 2}; Time as {seconds = 1, nanos = 2}; IntOrString as
 * {type = 1, intVal = 2, strVal = 3}; Quantity as {string = 1}.
 *
 * <p>Go's protobuf code writes every plain (non-pointer) field, even when it is zero, and
 * JSON would have left those out ({@code omitempty}); so zero values of fields the model
 * does not mark {@code pointer} are dropped, and an empty Time becomes null. Unknown field
 * numbers are skipped, as Kubernetes' decoder skips them.
 *
 * <p>Simpler than Kubernetes: the server answers JSON whatever the client accepts, and
 * fields the model calls {@code object} cannot be decoded (the request is refused).
 */
final class Protobuf {

    static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private Protobuf() {
    }

    /** The object in an envelope, as JSON: apiVersion and kind from the envelope, the rest from {@code type}. */
    static ObjectNode decode(byte[] body, ApiTypes.Type type) {
        if (body.length < MAGIC.length || !java.util.Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw bad("the body does not start with the protobuf envelope's magic bytes \"k8s\\0\"");
        }
        Reader envelope = new Reader(body, MAGIC.length, body.length);
        String apiVersion = "";
        String kind = "";
        Reader raw = null;
        String encoding = "";
        while (envelope.more()) {
            int tag = envelope.tag();
            switch (tag >>> 3) {
                case 1 -> {
                    Reader typeMeta = envelope.message(tag);
                    while (typeMeta.more()) {
                        int t = typeMeta.tag();
                        switch (t >>> 3) {
                            case 1 -> apiVersion = typeMeta.string(t);
                            case 2 -> kind = typeMeta.string(t);
                            default -> typeMeta.skip(t);
                        }
                    }
                }
                case 2 -> raw = envelope.message(tag);
                case 3 -> encoding = envelope.string(tag);
                default -> envelope.skip(tag);
            }
        }
        if (!encoding.isEmpty()) {
            throw bad("the protobuf envelope's content encoding " + encoding + " is not supported");
        }
        if (raw == null) {
            throw bad("the protobuf envelope holds no object");
        }
        ObjectNode object = NODES.objectNode();
        if (!apiVersion.isEmpty()) {
            object.put("apiVersion", apiVersion);
        }
        if (!kind.isEmpty()) {
            object.put("kind", kind);
        }
        message(raw, type, object);
        return object;
    }

    /** Reads a message of {@code type} into {@code into}; inline fields land in {@code into} too. */
    private static void message(Reader in, ApiTypes.Type type, ObjectNode into) {
        while (in.more()) {
            int tag = in.tag();
            ApiTypes.Field field = type.byNumber(tag >>> 3).orElse(null);
            if (field == null) {
                in.skip(tag);
                continue;
            }
            if (field.inline()) {
                message(in.message(tag), ApiTypes.type(field.element()), into);
                continue;
            }
            switch (field.container()) {
                case ONE -> {
                    JsonNode value = element(in, tag, field, type);
                    if (value != null && (field.pointer() || !isZero(value))) {
                        into.set(field.name(), value);
                    } else {
                        into.remove(field.name());
                    }
                }
                case LIST -> {
                    ArrayNode list = into.has(field.name()) ? (ArrayNode) into.get(field.name())
                            : into.putArray(field.name());
                    if ((tag & 7) == 2 && isPackable(field.element())) {
                        Reader packed = in.message(tag);
                        while (packed.more()) {
                            list.add(element(packed, wireTypeOf(field.element()), field, type));
                        }
                    } else {
                        list.add(element(in, tag, field, type));
                    }
                }
                case MAP -> {
                    ObjectNode map = into.has(field.name()) ? (ObjectNode) into.get(field.name())
                            : into.putObject(field.name());
                    Reader entry = in.message(tag);
                    String key = "";
                    JsonNode value = null;
                    while (entry.more()) {
                        int t = entry.tag();
                        switch (t >>> 3) {
                            case 1 -> key = entry.string(t);
                            case 2 -> value = element(entry, t, field, type);
                            default -> entry.skip(t);
                        }
                    }
                    map.set(key, value == null ? emptyValue(field.element()) : value);
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    /** One value of a field's element type. */
    private static JsonNode element(Reader in, int tag, ApiTypes.Field field, ApiTypes.Type owner) {
        String element = field.element();
        switch (element) {
            case "string":
                return NODES.textNode(in.string(tag));
            case "bytes":
                return NODES.textNode(Base64.getEncoder().encodeToString(in.bytes(tag)));
            case "int32":
                return NODES.numberNode((int) in.varint(tag));
            case "int64":
                return NODES.numberNode(in.varint(tag));
            case "bool":
                return NODES.booleanNode(in.varint(tag) != 0);
            case "double":
                return NODES.numberNode(Double.longBitsToDouble(in.fixed64(tag)));
            case "Time":
            case "MicroTime":
                return time(in.message(tag), element.equals("MicroTime"));
            case "Quantity":
                return quantity(in.message(tag));
            case "IntOrString":
                return intOrString(in.message(tag));
            case "object":
                throw bad(owner.simpleName() + "." + field.name() + " cannot be decoded from protobuf by kthw; "
                        + "send it as JSON");
            default:
                ObjectNode nested = NODES.objectNode();
                message(in.message(tag), ApiTypes.type(element), nested);
                return nested;
        }
    }

    /** meta/v1 Time {seconds = 1, nanos = 2}; the empty message is the zero time, which JSON writes as null. */
    private static JsonNode time(Reader in, boolean micro) {
        long seconds = 0;
        long nanos = 0;
        boolean empty = true;
        while (in.more()) {
            int t = in.tag();
            empty = false;
            switch (t >>> 3) {
                case 1 -> seconds = in.varint(t);
                case 2 -> nanos = in.varint(t);
                default -> in.skip(t);
            }
        }
        if (empty) {
            return NODES.nullNode();
        }
        Instant at = Instant.ofEpochSecond(seconds, nanos);
        return NODES.textNode(micro ? MICRO.format(at) : at.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** resource Quantity {string = 1}: "500m", "1Gi". */
    private static JsonNode quantity(Reader in) {
        String value = "0";
        while (in.more()) {
            int t = in.tag();
            if (t >>> 3 == 1) {
                value = in.string(t);
            } else {
                in.skip(t);
            }
        }
        return NODES.textNode(value);
    }

    /** intstr IntOrString {type = 1 (0 int, 1 string), intVal = 2, strVal = 3}. */
    private static JsonNode intOrString(Reader in) {
        long type = 0;
        int intVal = 0;
        String strVal = "";
        while (in.more()) {
            int t = in.tag();
            switch (t >>> 3) {
                case 1 -> type = in.varint(t);
                case 2 -> intVal = (int) in.varint(t);
                case 3 -> strVal = in.string(t);
                default -> in.skip(t);
            }
        }
        return type == 1 ? NODES.textNode(strVal) : NODES.numberNode(intVal);
    }

    /** What Go's JSON encoder leaves out of a plain field: "", 0 and false (a zero Time stays, as null). */
    private static boolean isZero(JsonNode value) {
        return (value.isTextual() && value.asText().isEmpty())
                || (value.isNumber() && value.asDouble() == 0) || (value.isBoolean() && !value.asBoolean());
    }

    private static JsonNode emptyValue(String element) {
        return switch (element) {
            case "int32", "int64", "double" -> NODES.numberNode(0);
            case "bool" -> NODES.booleanNode(false);
            default -> NODES.textNode("");
        };
    }

    private static boolean isPackable(String element) {
        return element.equals("int32") || element.equals("int64") || element.equals("bool")
                || element.equals("double");
    }

    /** A tag with the wire type a packed element would have had on its own (field number 0). */
    private static int wireTypeOf(String element) {
        return element.equals("double") ? 1 : 0;
    }

    private static ApiException bad(String message) {
        return ApiErrors.badRequest("the protobuf body could not be decoded: " + message);
    }

    /**
     * Protobuf's wire format over a slice of bytes: varints, length-delimited values and
     * fixed 64-bit values. Every read checks the wire type and the bounds, so malformed
     * input ends in a 400, never in an exception the server did not expect.
     */
    static final class Reader {
        private final byte[] bytes;
        private int at;
        private final int end;

        Reader(byte[] bytes, int from, int to) {
            this.bytes = bytes;
            this.at = from;
            this.end = to;
        }

        boolean more() {
            return at < end;
        }

        /** The next field's tag: field number << 3 | wire type. */
        int tag() {
            long tag = rawVarint();
            if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
                throw bad("invalid field tag " + tag);
            }
            return (int) tag;
        }

        long varint(int tag) {
            expect(tag, 0);
            return rawVarint();
        }

        long fixed64(int tag) {
            expect(tag, 1);
            if (end - at < 8) {
                throw bad("a 64-bit value runs past the end of its message");
            }
            long value = 0;
            for (int i = 7; i >= 0; i--) {
                value = (value << 8) | (bytes[at + i] & 0xff);
            }
            at += 8;
            return value;
        }

        /** A length-delimited field as a reader of its own bytes. */
        Reader message(int tag) {
            expect(tag, 2);
            long length = rawVarint();
            if (length < 0 || length > end - at) {
                throw bad("a field of " + length + " bytes runs past the end of its message");
            }
            Reader nested = new Reader(bytes, at, at + (int) length);
            at += (int) length;
            return nested;
        }

        byte[] bytes(int tag) {
            Reader r = message(tag);
            return java.util.Arrays.copyOfRange(bytes, r.at, r.end);
        }

        String string(int tag) {
            Reader r = message(tag);
            return new String(bytes, r.at, r.end - r.at, StandardCharsets.UTF_8);
        }

        /** Steps over a field this reader has no use for. */
        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> rawVarint();
                case 1 -> fixed64(tag);
                case 2 -> message(tag);
                case 5 -> {
                    if (end - at < 4) {
                        throw bad("a 32-bit value runs past the end of its message");
                    }
                    at += 4;
                }
                default -> throw bad("unsupported wire type " + (tag & 7) + " of field " + (tag >>> 3));
            }
        }

        private void expect(int tag, int wireType) {
            if ((tag & 7) != wireType) {
                throw bad("field " + (tag >>> 3) + " has wire type " + (tag & 7) + ", expected " + wireType);
            }
        }

        private long rawVarint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at >= end) {
                    throw bad("a number runs past the end of its message");
                }
                byte b = bytes[at++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw bad("a number is longer than 10 bytes");
        }
    }
}
