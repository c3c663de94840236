package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unknown fields: what Kubernetes does with a field its types do not have, such as a
 * typo in a manifest ({@code spec.replica}). Decoding into Go structs drops such fields;
 * kthw keeps objects as JSON trees, so it drops them here, walking the object along
 * the {@link ApiTypes} model.
 *
 * <p>The request's {@code fieldValidation} says what else happens:
 * <pre>
 *   Strict   the request fails: 400 BadRequest, strict decoding error: unknown field "spec.foo"
 *   Warn     the object is stored without the field, and the response carries
 *            Warning: 299 - "unknown field \"spec.foo\"" (the default, as in Kubernetes 1.27+)
 *   Ignore   the object is stored without the field, silently
 * </pre>
 * Keys of maps (labels, annotations, a config map's data) and fields inside free-form
 * {@code object} fields are never unknown. The top-level apiVersion and kind are always known.
 *
 * <p>Simpler than Kubernetes: duplicate fields in a JSON body are not reported (the last
 * one wins, as Jackson reads them).
 */
final class FieldPruning {

    /** What to do about unknown fields, from the {@code fieldValidation} query parameter. */
    enum Directive {
        STRICT, WARN, IGNORE;

        static Directive of(String query) {
            if (query == null || query.isEmpty()) {
                return WARN;
            }
            return switch (query) {
                case "Strict" -> STRICT;
                case "Warn" -> WARN;
                case "Ignore" -> IGNORE;
                default -> throw ApiErrors.badRequest("fieldValidation parameter unsupported: " + query
                        + " (supported values: Ignore, Warn, Strict)");
            };
        }
    }

    /** JSON fields of each type, computed once: the model never changes. */
    private static final Map<String, Map<String, ApiTypes.Field>> FIELDS = new ConcurrentHashMap<>();

    private FieldPruning() {
    }

    /** Removes from {@code object} every field {@code type} does not have; returns their paths, in order. */
    static List<String> prune(ObjectNode object, ApiTypes.Type type) {
        List<String> unknown = new ArrayList<>();
        walk(object, type, "", unknown);
        return unknown;
    }

    /** Kubernetes' wording for one unknown field, used in warnings and in the strict error. */
    static String describe(String path) {
        return "unknown field \"" + path + "\"";
    }

    private static void walk(ObjectNode node, ApiTypes.Type type, String path, List<String> unknown) {
        Map<String, ApiTypes.Field> fields = FIELDS.computeIfAbsent(type.name(), n -> ApiTypes.jsonFields(type));
        Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String name = entry.getKey();
            if (path.isEmpty() && (name.equals("apiVersion") || name.equals("kind"))) {
                continue;
            }
            String at = path.isEmpty() ? name : path + "." + name;
            ApiTypes.Field field = fields.get(name);
            if (field == null) {
                unknown.add(at);
                entries.remove();
                continue;
            }
            if (field.isScalar()) {
                continue;
            }
            ApiTypes.Type element = ApiTypes.type(field.element());
            JsonNode value = entry.getValue();
            switch (field.container()) {
                case ONE -> {
                    if (value instanceof ObjectNode object) {
                        walk(object, element, at, unknown);
                    }
                }
                case LIST -> {
                    for (int i = 0; i < value.size(); i++) {
                        if (value.get(i) instanceof ObjectNode object) {
                            walk(object, element, at + "[" + i + "]", unknown);
                        }
                    }
                }
                case MAP -> value.fields().forEachRemaining(e -> {
                    if (e.getValue() instanceof ObjectNode object) {
                        walk(object, element, at + "[" + e.getKey() + "]", unknown);
                    }
                });
                default -> throw new IllegalStateException();
            }
        }
    }
}
