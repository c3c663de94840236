package dev.kthw.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where the API server keeps every object: a sorted key-value store with a global
 * revision counter, shaped after etcd's API so that the etcd-backed store (chapter 02)
 * and the in-memory one (chapter 01) are interchangeable.
 *
 * <p>The contract, which both implementations keep:
 * <ul>
 * <li>Every successful write increments the store's revision by one and stamps the
 *     written key with it ({@link KeyValue#modRevision()}).</li>
 * <li>Writes are conditional: create only if absent, update and delete only if the key
 *     is still at the revision the caller read (0 means "whatever it is"). This is the
 *     optimistic concurrency behind Kubernetes' resourceVersion.</li>
 * <li>A list reads one consistent revision; a later page of the same list passes that
 *     revision back and sees the same snapshot.</li>
 * <li>A watch from revision R delivers every change after R exactly once, in revision
 *     order; if R has been compacted away it fails with {@link StorageException.Compacted}.</li>
 * </ul>
 * Values are opaque bytes (the API server stores JSON); the store never looks inside.
 */
public interface Storage extends AutoCloseable {

    /** Creates {@code key}; fails with KeyExists if it is there. */
    default KeyValue create(String key, byte[] value) {
        return create(key, value, Duration.ZERO);
    }

    /**
     * Creates {@code key}, to be deleted by the store itself {@code ttl} after (zero: never).
     * The expiry is a delete like any other: it has a revision and watchers see it. An
     * update keeps the key's expiry. Kubernetes gives Events a TTL (kube-apiserver's
     * {@code --event-ttl}, 1 hour) so they do not pile up; etcd does it with a lease.
     */
    KeyValue create(String key, byte[] value, Duration ttl);

    /**
     * Replaces {@code key}'s value if its modRevision is {@code expectedRevision} (0: any).
     * Fails with KeyNotFound or Conflict. The key keeps its expiry, if it has one.
     */
    KeyValue update(String key, long expectedRevision, byte[] value);

    /**
     * Replaces {@code key}'s value as {@link #update(String, long, byte[])} does, and gives
     * it a new expiry: {@code ttl} from now (zero: never). kube-apiserver does this on
     * every write of an Event, so an Event that is still being updated (its count going
     * up) lives another {@code --event-ttl}.
     */
    KeyValue update(String key, long expectedRevision, byte[] value, Duration ttl);

    /** Deletes {@code key} if its modRevision is {@code expectedRevision} (0: any); returns what was there. */
    KeyValue delete(String key, long expectedRevision);

    Optional<KeyValue> get(String key);

    /**
     * Up to {@code limit} keys (0: all) under {@code prefix}, in key order, starting after
     * {@code startAfter} (null: from the beginning), as they were at {@code revision}
     * (0: now).
     */
    Page list(String prefix, long revision, String startAfter, int limit);

    /** Changes under {@code prefix} after {@code afterRevision}; 0 means from now on. */
    Watch watch(String prefix, long afterRevision);

    /**
     * Forgets history up to and including {@code revision}: lists and watches from an
     * older revision then fail with Compacted. Kubernetes compacts every few minutes so
     * the store does not grow without bound.
     */
    void compact(long revision);

    /** The revision of the latest write. */
    long currentRevision();

    /**
     * Whether the store answers within {@code timeout}: what the API server's
     * {@code /readyz} reports (kube-apiserver's etcd health check, 2 s by default).
     */
    boolean ready(Duration timeout);

    /** One page of a list: its items, the revision it was read at, and whether more follow. */
    record Page(List<KeyValue> items, long revision, boolean more) {
    }

    @Override
    void close();
}
