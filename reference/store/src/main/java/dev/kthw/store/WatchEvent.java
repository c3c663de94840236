package dev.kthw.store;

/**
 * What a watch delivers: a key was put (created or changed) or deleted, at a revision;
 * or the watch ended and will deliver nothing more.
 */
public sealed interface WatchEvent permits WatchEvent.Put, WatchEvent.Delete, WatchEvent.Ended {

    /** {@code kv} is the new state; {@code previous} is null when the put created the key. */
    record Put(KeyValue kv, KeyValue previous) implements WatchEvent {
        public long revision() {
            return kv.modRevision();
        }
    }

    /**
     * {@code previous} is the state before the delete, so a watcher can say what went away.
     * etcd may have compacted that state before the watch reads the delete: then previous
     * has the key and an empty value, and the watcher must make do with the key.
     */
    record Delete(KeyValue previous, long revision) implements WatchEvent {
    }

    /** The watch is over: the watcher fell too far behind, or the store closed. */
    record Ended(String reason) implements WatchEvent {
    }
}
