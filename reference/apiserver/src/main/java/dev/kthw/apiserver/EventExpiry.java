package dev.kthw.apiserver;

import dev.kthw.store.ForwardingStorage;
import dev.kthw.store.KeyValue;
import dev.kthw.store.Storage;
import java.time.Duration;

/**
 * The store as the registry sees it, with one rule added: Events expire. Every Event is
 * created with a TTL ({@code --event-ttl}, one hour by default, as in kube-apiserver), so
 * the store deletes it by itself (etcd: through a lease) and Events, the most written
 * kind of all, never pile up.
 *
 * <p>Every write of an Event sets its TTL, the update too: an Event that keeps happening
 * (its {@code count} going up, as kubelets report a crash loop) lives another TTL after
 * its last update, as in kube-apiserver, whose Event storage applies the TTL on create and
 * on update alike. kube-apiserver sets this per resource in its registry (a TTL function
 * on the Event storage); we wrap the store instead so that the generic registry stays the
 * same for every kind.
 */
final class EventExpiry extends ForwardingStorage {

    private final String eventsPrefix;
    private final Duration eventTtl;

    EventExpiry(Storage store, String etcdPrefix, Duration eventTtl) {
        super(store);
        this.eventsPrefix = (etcdPrefix.endsWith("/") ? etcdPrefix : etcdPrefix + "/") + "events/";
        this.eventTtl = eventTtl;
    }

    // tag::event-ttl[]
    @Override
    public KeyValue create(String key, byte[] value, Duration ttl) {
        boolean event = key.startsWith(eventsPrefix) && ttl.isZero();
        return store.create(key, value, event ? eventTtl : ttl);
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value) {
        return key.startsWith(eventsPrefix) ? store.update(key, expectedRevision, value, eventTtl)
                : store.update(key, expectedRevision, value);
    }
    // end::event-ttl[]
}
