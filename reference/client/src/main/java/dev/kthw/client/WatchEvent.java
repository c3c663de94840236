package dev.kthw.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.api.Status;
import java.util.Objects;

/**
 * One frame of a watch stream, {@code {"type":"MODIFIED","object":{...}}}, as client-go's
 * {@code watch.Event}: a type and an object.
 *
 * <ul>
 *   <li>ADDED, MODIFIED, DELETED: {@code object} is the object after the change (for
 *       DELETED, its last state, carrying the deletion's own resourceVersion);
 *   <li>BOOKMARK: {@code object} carries only {@code metadata.resourceVersion}, the point a
 *       client may resume from; nothing changed;
 *   <li>ERROR: {@code object} is a {@link Status}; the server ends the stream after it. Code
 *       410 ({@link #isGone()}) means the resourceVersion asked for is no longer in the
 *       server's history: the client must list again.
 * </ul>
 *
 * <p>A record with a type, not a sealed interface of five records, because that is what
 * the wire carries and a switch on the type reads like the protocol.
 */
public record WatchEvent(Type type, JsonNode object) {

    public enum Type { ADDED, MODIFIED, DELETED, BOOKMARK, ERROR }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(object, "object");
    }

    /** Reads one line of a watch stream. */
    static WatchEvent parse(String line) {
        JsonNode frame;
        try {
            frame = KubeClient.JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a watch frame is not JSON: " + abbreviate(line), e);
        }
        String type = frame.path("type").asText("");
        try {
            return new WatchEvent(Type.valueOf(type), frame.path("object"));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a watch frame has an unknown type \"" + type + "\": " + abbreviate(line),
                    e);
        }
    }

    /** The object's {@code metadata.resourceVersion}; "" for an ERROR. */
    public String resourceVersion() {
        return object.path("metadata").path("resourceVersion").asText("");
    }

    /** The Status of an ERROR frame. */
    public Status status() {
        if (type != Type.ERROR) {
            throw new IllegalStateException("only an ERROR event carries a Status, this one is " + type);
        }
        return ApiErrors.status(object, 500);
    }

    /** An ERROR saying 410: the watch started from a resourceVersion the server has compacted away. */
    public boolean isGone() {
        return type == Type.ERROR && object.path("code").asInt() == 410;
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
