package dev.kthw.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an {@link Informer} tells its listeners, as client-go's
 * {@code ResourceEventHandler}: an object appeared, changed or went away.
 *
 * <p>Calls come on the informer's own thread, one at a time, in the order the changes
 * happened; a slow handler delays every later event, so a handler should only note what
 * changed (a controller puts a key on its work queue) and do the work elsewhere. Each
 * call gets its own copy of the objects: changing them changes nothing in the cache.
 * Every method does nothing by default, so a handler implements only what it needs.
 */
public interface EventHandler {

    /** {@code object} is new in the cache (listed or watched for the first time). */
    default void onAdd(JsonNode object) {
    }

    /** The object changed from {@code old} to {@code now} (same namespace and name). */
    default void onUpdate(JsonNode old, JsonNode now) {
    }

    /**
     * The object is gone, or no longer matches the informer's selector. {@code last} is
     * its final state as the watch reported it or, after a re-list, as the cache last
     * knew it (client-go wraps that case in a {@code DeletedFinalStateUnknown}; we do not).
     */
    default void onDelete(JsonNode last) {
    }
}
