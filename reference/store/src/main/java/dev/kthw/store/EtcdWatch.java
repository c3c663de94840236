package dev.kthw.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;

/**
 * One etcd watch, turned from jetcd's callbacks (on its network threads) into the
 * store's pull-style {@link Watch} (on the watcher's own thread) through a queue.
 *
 * <p>What etcd and jetcd do for us: events arrive in revision order, each once; when the
 * connection breaks (etcd restarted, leader lost), jetcd re-opens the watch from the
 * revision after the last event it delivered, so nothing is lost or repeated. What
 * ends a watch: the revision it needs was compacted (etcd cancels it: the watcher must
 * list again, the API server's 410), the watcher fell more than {@link #QUEUE_LIMIT}
 * events behind (as {@link MemoryStorage}), or the client closed.
 *
 * <p>The queue, its limit and how a watch ends are {@link QueuedWatch}'s, shared with the
 * memory store's watch.
 */
final class EtcdWatch extends QueuedWatch implements io.etcd.jetcd.Watch.Listener {

    static final int QUEUE_LIMIT = 10_000;

    private final io.etcd.jetcd.Watch.Watcher watcher;

    EtcdWatch(io.etcd.jetcd.Watch client, ByteSequence prefix, WatchOption option) {
        super(QUEUE_LIMIT);
        this.watcher = client.watch(prefix, option, this);
    }

    /**
     * Not synchronized, and it must not be: jetcd's {@code Watcher.close()} takes jetcd's
     * own lock and, under it, calls {@link #onCompleted()}. A close from the watcher's
     * thread holds that lock and waits for ours; holding ours here while closing would wait
     * for theirs, and the two threads (one of them gRPC's event loop) would wait forever.
     * jetcd calls this from one thread at a time, in order, so each event is queued alone.
     */
    @Override
    public void onNext(WatchResponse response) {
        for (io.etcd.jetcd.watch.WatchEvent event : response.getEvents()) {
            if (!offer(toEvent(event))) {
                watcher.close();   // over: closed by the watcher, or it fell behind
                return;
            }
        }
    }

    /** An etcd event as the store's: a put with the previous value (null: created), or a delete. */
    static WatchEvent toEvent(io.etcd.jetcd.watch.WatchEvent event) {
        // tag::lab-ch02-watch-event[]
        // lab: A PUT is a Put of the new key-value and the previous one; etcd sends the
        // lab: previous value (prev_kv) when the key existed before; when it did not, jetcd
        // lab: gives an empty KeyValue whose version is 0: then previous is null. A DELETE
        // lab: is a Delete of the previous value at the event's revision (the mod_revision
        // lab: of the event's key-value). EtcdStorage.toKeyValue converts a KeyValue.
        io.etcd.jetcd.KeyValue previous = event.getPrevKV();
        boolean existed = previous != null && previous.getVersion() > 0;
        if (event.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE) {
            KeyValue gone = existed ? EtcdStorage.toKeyValue(previous)
                    // Shortcut: etcd omits prev_kv when that revision was compacted; we send the key alone.
                    : new KeyValue(event.getKeyValue().getKey().toString(java.nio.charset.StandardCharsets.UTF_8),
                            new byte[0], 0, 0);
            return new WatchEvent.Delete(gone, event.getKeyValue().getModRevision());
        }
        return new WatchEvent.Put(EtcdStorage.toKeyValue(event.getKeyValue()),
                existed ? EtcdStorage.toKeyValue(previous) : null);
        // end::lab-ch02-watch-event[]
    }

    /**
     * jetcd reports every error here, also those it recovers from by re-opening the watch
     * (a lost connection); only compaction ends our watch. If jetcd gives up for another
     * reason, it closes the watcher and {@link #onCompleted()} ends ours.
     */
    @Override
    public void onError(Throwable error) {
        if (error instanceof CompactedException compacted) {
            end("the revision this watch needs has been compacted (oldest kept: " + compacted.getCompactedRevision()
                    + "): list again");
        }
    }

    @Override
    public void onCompleted() {
        end("the etcd watch ended");
    }

    @Override
    public void close() {
        end("closed by the watcher");
        watcher.close();
    }
}
