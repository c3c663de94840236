package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.store.KeyValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The recent store events, decoded (and, on first use, encoded) once for every watcher.
 * An entry is the object at one revision; entries are never modified once made, so
 * watchers share them without copies. The oldest go when there are more than
 * {@code capacity}: a watcher that far behind decodes again, which is only slower.
 */
final class SharedEvents {
    private final Map<String, Entry> recent;   // guarded by this

    SharedEvents(int capacity) {
        this.recent = new LinkedHashMap<>(capacity, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The stored value as the API sends it: with its resourceVersion set to {@code revision}. */
    synchronized Entry of(KeyValue kv, long revision) {
        return recent.computeIfAbsent(kv.key() + "@" + revision, k -> {
            ObjectNode object = Json.object(kv.value());
            Json.child(object, "metadata").put("resourceVersion", String.valueOf(revision));
            return new Entry(object);
        });
    }

    static final class Entry {
        private final ObjectNode object;
        private volatile byte[] json;   // the object encoded, made by the first watcher that sends it

        Entry(ObjectNode object) {
            this.object = object;
        }

        ObjectNode object() {
            return object;
        }

        byte[] json() {
            byte[] encoded = json;
            if (encoded == null) {
                encoded = Json.bytes(object);
                json = encoded;
            }
            return encoded;
        }
    }
}
