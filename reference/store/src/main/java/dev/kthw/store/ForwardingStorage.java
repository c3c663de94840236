package dev.kthw.store;

import java.time.Duration;
import java.util.Optional;

/**
 * A {@link Storage} that passes every call to another one: the base of the views the API
 * server puts in front of its store (Events with a TTL, dry runs), each overriding only
 * what it changes.
 */
public abstract class ForwardingStorage implements Storage {

    protected final Storage store;

    protected ForwardingStorage(Storage store) {
        this.store = store;
    }

    @Override
    public KeyValue create(String key, byte[] value, Duration ttl) {
        return store.create(key, value, ttl);
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value) {
        return store.update(key, expectedRevision, value);
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value, Duration ttl) {
        return store.update(key, expectedRevision, value, ttl);
    }

    @Override
    public KeyValue delete(String key, long expectedRevision) {
        return store.delete(key, expectedRevision);
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return store.get(key);
    }

    @Override
    public Page list(String prefix, long revision, String startAfter, int limit) {
        return store.list(prefix, revision, startAfter, limit);
    }

    @Override
    public Watch watch(String prefix, long afterRevision) {
        return store.watch(prefix, afterRevision);
    }

    @Override
    public void compact(long revision) {
        store.compact(revision);
    }

    @Override
    public long currentRevision() {
        return store.currentRevision();
    }

    @Override
    public boolean ready(Duration timeout) {
        return store.ready(timeout);
    }

    @Override
    public void close() {
        store.close();
    }
}
