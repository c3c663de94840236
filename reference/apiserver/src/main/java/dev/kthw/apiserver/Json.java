package dev.kthw.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON as the API server handles it: objects stay generic trees ({@link ObjectNode}) so
 * every field a client sends survives a round trip through the store, including fields
 * kthw has no code for. Typed views ({@code dev.kthw.api}) are used where logic needs them.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode object(byte[] bytes) {
        try {
            return (ObjectNode) MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A typed view of a tree, such as {@code ObjectMeta} of an object's metadata. Read from
     * the tree itself: {@code convertValue} would first write the tree out to a buffer and
     * read that, twice the work on every create and update.
     */
    static <T> T view(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);   // as convertValue fails
        }
    }

    /** The text at {@code path} (dotted, e.g. {@code metadata.name}), or "" when absent. */
    static String text(JsonNode node, String path) {
        JsonNode at = node;
        for (String part : path.split("\\.")) {
            at = at == null ? null : at.get(part);
        }
        return at == null || at.isNull() ? "" : at.asText();
    }

    /** The object at {@code field}, created empty when missing. */
    static ObjectNode child(ObjectNode node, String field) {
        JsonNode existing = node.get(field);
        if (existing instanceof ObjectNode o) {
            return o;
        }
        return node.putObject(field);
    }
}
