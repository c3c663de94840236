package dev.kthw.apiserver;

import dev.kthw.store.KeyValue;
import dev.kthw.store.Storage;
import dev.kthw.store.Watch;
import java.time.Duration;
import java.util.Optional;

/**
 * The store as the registry sees it, with one rule added: Events expire. Every Event is
 * created with a TTL ({@code --event-ttl}, one hour by default, as in kube-apiserver), so
 * the store deletes it by itself (etcd: through a lease) and Events, the most written
 * kind of all, never pile up.
 *
 * <p>kube-apiserver sets this per resource in its registry (a TTL function on the Event
 * storage); we wrap the store instead so that the generic registry stays the same for
 * every kind. An update keeps the Event's expiry (kube-apiserver renews it on update).
 */
final class EventExpiry implements Storage {

    private final Storage store;
    private final String eventsPrefix;
    private final Duration eventTtl;

    EventExpiry(Storage store, String etcdPrefix, Duration eventTtl) {
        this.store = store;
        this.eventsPrefix = (etcdPrefix.endsWith("/") ? etcdPrefix : etcdPrefix + "/") + "events/";
        this.eventTtl = eventTtl;
    }

    @Override
    public KeyValue create(String key, byte[] value, Duration ttl) {
        boolean event = key.startsWith(eventsPrefix) && ttl.isZero();
        return store.create(key, value, event ? eventTtl : ttl);
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value) {
        return store.update(key, expectedRevision, value);
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
