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
 * <p>kube-apiserver sets this per resource in its registry (a TTL function on the Event
 * storage); we wrap the store instead so that the generic registry stays the same for
 * every kind. An update keeps the Event's expiry (kube-apiserver renews it on update).
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
    // end::event-ttl[]
}
