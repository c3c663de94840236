package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The three patch formats kubectl sends, applied to a JSON object:
 * <ul>
 * <li>JSON merge patch (RFC 7386, {@code kubectl label}, {@code scale}): objects merge,
 *     {@code null} deletes, anything else replaces, lists included.</li>
 * <li>JSON patch (RFC 6902, {@code kubectl patch --type json}): a list of operations.</li>
 * <li>Strategic merge patch ({@code kubectl apply}, {@code edit}): a merge patch that
 *     knows some lists are keyed, so a patch to one container merges with that container
 *     instead of replacing the whole list.</li>
 * </ul>
 */
final class Patches {

    /** Lists Kubernetes merges by a key, by field name: what patchMergeKey says in the API types. */
    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"), Map.entry("initContainers", "name"),
            Map.entry("ephemeralContainers", "name"), Map.entry("env", "name"), Map.entry("volumes", "name"),
            Map.entry("volumeMounts", "mountPath"), Map.entry("volumeDevices", "devicePath"),
            Map.entry("imagePullSecrets", "name"), Map.entry("hostAliases", "ip"),
            Map.entry("tolerations", "key"), Map.entry("conditions", "type"), Map.entry("ownerReferences", "uid"),
            Map.entry("finalizers", ""), Map.entry("addresses", "type"));

    private Patches() {
    }

    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
                : Json.MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), mergePatch(result.get(field.getKey()), field.getValue()));
            }
        }
        return result;
    }

    /**
     * A strategic merge patch: like a merge patch, but lists named in {@link #MERGE_KEYS}
     * merge item by item on their key, {@code {"$patch":"delete", key}} removes an item,
     * and directive keys ({@code $setElementOrder/...}, {@code $retainKeys}) are consumed.
     * Ports merge on containerPort inside containers and on port inside a Service.
     */
    static JsonNode strategicMergePatch(JsonNode target, JsonNode patch) {
        return strategic(target, patch, null);
    }

    private static JsonNode strategic(JsonNode target, JsonNode patch, String parentField) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        if ("replace".equals(patch.path("$patch").asText())) {
            ObjectNode replaced = ((ObjectNode) patch).deepCopy();
            replaced.remove("$patch");
            return replaced;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
                : Json.MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.startsWith("$")) {
                continue;
            }
            String key = mergeKey(name, parentField);
            if (value.isNull()) {
                result.remove(name);
            } else if (value.isArray() && key != null && !key.isEmpty()) {
                result.set(name, mergeList(result.get(name), (ArrayNode) value, key, name));
            } else if (value.isArray() && "".equals(key)) {
                result.set(name, mergePrimitiveList(result.get(name), (ArrayNode) value));
            } else {
                result.set(name, strategic(result.get(name), value, name));
            }
        }
        return result;
    }

    private static String mergeKey(String field, String parentField) {
        if (field.equals("ports")) {
            return "containers".equals(parentField) || "initContainers".equals(parentField) ? "containerPort" : "port";
        }
        return MERGE_KEYS.get(field);
    }

    private static ArrayNode mergeList(JsonNode target, ArrayNode patch, String key, String field) {
        ArrayNode result = target instanceof ArrayNode a ? a.deepCopy() : Json.MAPPER.createArrayNode();
        for (JsonNode item : patch) {
            JsonNode id = item.get(key);
            int at = indexOf(result, key, id);
            if ("delete".equals(item.path("$patch").asText())) {
                if (at >= 0) {
                    result.remove(at);
                }
            } else if (at >= 0) {
                result.set(at, strategic(result.get(at), item, field));
            } else {
                result.add(strategic(null, item, field));
            }
        }
        return result;
    }

    private static ArrayNode mergePrimitiveList(JsonNode target, ArrayNode patch) {
        ArrayNode result = target instanceof ArrayNode a ? a.deepCopy() : Json.MAPPER.createArrayNode();
        for (JsonNode item : patch) {
            boolean present = false;
            for (JsonNode existing : result) {
                present |= existing.equals(item);
            }
            if (!present) {
                result.add(item);
            }
        }
        return result;
    }

    private static int indexOf(ArrayNode list, String key, JsonNode id) {
        for (int i = 0; i < list.size(); i++) {
            if (id != null && id.equals(list.get(i).get(key))) {
                return i;
            }
        }
        return -1;
    }

    /** RFC 6902: add, remove, replace, move, copy, test, with JSON pointers. */
    static JsonNode jsonPatch(JsonNode target, JsonNode operations) {
        if (!operations.isArray()) {
            throw ApiErrors.badRequest("json patch must be a list of operations");
        }
        JsonNode doc = target.deepCopy();
        for (JsonNode op : operations) {
            String path = op.path("path").asText();
            switch (op.path("op").asText()) {
                case "add" -> doc = put(doc, path, op.get("value"), true);
                case "remove" -> doc = remove(doc, path);
                case "replace" -> {
                    get(doc, path);
                    doc = put(doc, path, op.get("value"), false);
                }
                case "move" -> {
                    JsonNode value = get(doc, op.path("from").asText());
                    doc = put(remove(doc, op.path("from").asText()), path, value, true);
                }
                case "copy" -> doc = put(doc, path, get(doc, op.path("from").asText()).deepCopy(), true);
                case "test" -> {
                    if (!get(doc, path).equals(op.get("value"))) {
                        throw ApiErrors.badRequest("the test operation failed at " + path);
                    }
                }
                default -> throw ApiErrors.badRequest("unknown json patch operation: " + op.path("op").asText());
            }
        }
        return doc;
    }

    private static JsonNode get(JsonNode doc, String pointer) {
        JsonNode at = doc.at(pointer);
        if (at.isMissingNode()) {
            throw ApiErrors.badRequest("json patch: path " + pointer + " does not exist");
        }
        return at;
    }

    private static JsonNode put(JsonNode doc, String pointer, JsonNode value, boolean insert) {
        if (pointer.isEmpty()) {
            return value;
        }
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = get(doc, pointer.substring(0, slash));
        String last = pointer.substring(slash + 1).replace("~1", "/").replace("~0", "~");
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            if (last.equals("-")) {
                a.add(value);
            } else {
                int index = Integer.parseInt(last);
                if (insert) {
                    a.insert(index, value);
                } else {
                    a.set(index, value);
                }
            }
        } else {
            throw ApiErrors.badRequest("json patch: cannot add to " + pointer);
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, String pointer) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = get(doc, pointer.substring(0, slash));
        String last = pointer.substring(slash + 1).replace("~1", "/").replace("~0", "~");
        get(doc, pointer);
        if (parent instanceof ObjectNode o) {
            o.remove(last);
        } else if (parent instanceof ArrayNode a) {
            a.remove(Integer.parseInt(last));
        }
        return doc;
    }
}
