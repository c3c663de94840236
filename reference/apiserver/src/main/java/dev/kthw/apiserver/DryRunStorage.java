package dev.kthw.apiserver;

import dev.kthw.store.ForwardingStorage;
import dev.kthw.store.KeyValue;
import dev.kthw.store.Storage;
import dev.kthw.store.StorageException;
import dev.kthw.store.Watch;
import java.time.Duration;

/**
 * The store as a {@code dryRun=All} request sees it: reads go to the real store, writes
 * are checked exactly as the store would check them (exists, missing, stale revision)
 * and then not done. A registry over this view runs every step of a request, defaults,
 * validation, the Service allocator, and answers what would have been stored, which is
 * what {@code kubectl apply --dry-run=server} shows.
 *
 * <p>An object that was never stored has no resourceVersion: a dry-run create returns
 * one with modRevision 0, which the registry leaves out of the object.
 */
final class DryRunStorage extends ForwardingStorage {

    DryRunStorage(Storage store) {
        super(store);
    }

    @Override
    public KeyValue create(String key, byte[] value, Duration ttl) {
        if (store.get(key).isPresent()) {
            throw new StorageException.KeyExists(key);
        }
        return new KeyValue(key, value, 0, 0);
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value) {
        KeyValue current = current(key, expectedRevision);
        return new KeyValue(key, value, current.createRevision(), current.modRevision());
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value, Duration ttl) {
        return update(key, expectedRevision, value);
    }

    @Override
    public KeyValue delete(String key, long expectedRevision) {
        return current(key, expectedRevision);
    }

    private KeyValue current(String key, long expectedRevision) {
        KeyValue current = store.get(key).orElseThrow(() -> new StorageException.KeyNotFound(key));
        if (expectedRevision != 0 && current.modRevision() != expectedRevision) {
            throw new StorageException.Conflict(current, expectedRevision);
        }
        return current;
    }

    @Override
    public Watch watch(String prefix, long afterRevision) {
        throw new UnsupportedOperationException("a dry run does not watch");
    }

    @Override
    public void compact(long revision) {
        throw new UnsupportedOperationException("a dry run does not compact");
    }

    @Override
    public void close() {
        // the real store belongs to the API server
    }
}
