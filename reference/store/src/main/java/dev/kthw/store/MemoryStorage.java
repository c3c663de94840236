package dev.kthw.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The in-memory {@link Storage}: what the API server uses before etcd arrives, and in
 * tests. It keeps the whole contract, including revisions, consistent paged lists and
 * resumable watches, so the API server cannot tell it from etcd.
 *
 * <p>How: the current state is a sorted map; every write is also appended to a history
 * of events. A watch replays history after its start revision, then receives new
 * events as they happen. A list at an older revision takes the current state and undoes
 * the newer events. History is bounded ({@code historyLimit} events, then the oldest
 * are compacted away), as etcd's is by compaction.
 *
 * <p>Every field below is guarded by {@code lock}; writes are serialised, as in etcd
 * where the Raft leader orders them. Watchers never block a writer: each has a bounded
 * queue, and a watcher that falls behind by more than it holds is ended (Kubernetes
 * does the same to slow watchers), and must re-list.
 *
 * <p>Keys created with a TTL are deleted once the clock passes their deadline, as etcd
 * deletes the keys of an expired lease. Shortcut: the check runs at the start of every
 * operation, not on a timer, so a store nobody calls expires nothing (and its watchers
 * see the deletes only with the next call).
 *
 * <p>Simpler than etcd: nothing survives a restart, and there is one lock, not MVCC.
 */
public final class MemoryStorage implements Storage {

    private final Object lock = new Object();
    private final TreeMap<String, KeyValue> current = new TreeMap<>();
    private final ArrayDeque<WatchEvent> history = new ArrayDeque<>();
    private final List<MemoryWatch> watchers = new ArrayList<>();
    private final int historyLimit;
    private final int watchQueueLimit;
    private final Clock clock;
    /** When each key created with a TTL expires; updates keep it, deletes drop it. */
    private final Map<String, Instant> deadlines = new HashMap<>();
    /**
     * The same deadlines, soonest first, so that expiring costs nothing until one is due. An
     * entry whose key has since got another deadline (or none) is stale and skipped.
     */
    private final PriorityQueue<Deadline> soonest = new PriorityQueue<>(Comparator.comparing(Deadline::at));
    private long revision;
    private long compactedRevision;
    private boolean closed;

    /** A store keeping the last 100,000 events, with 10,000 pending events per watcher. */
    public MemoryStorage() {
        this(100_000, 10_000);
    }

    public MemoryStorage(int historyLimit, int watchQueueLimit) {
        this(historyLimit, watchQueueLimit, Clock.systemUTC());
    }

    /** A store whose TTLs run on {@code clock}, so a test can move time on. */
    public MemoryStorage(int historyLimit, int watchQueueLimit, Clock clock) {
        this.historyLimit = historyLimit;
        this.watchQueueLimit = watchQueueLimit;
        this.clock = clock;
    }

    @Override
    public KeyValue create(String key, byte[] value, Duration ttl) {
        synchronized (lock) {
            checkOpen();
            if (current.containsKey(key)) {
                throw new StorageException.KeyExists(key);
            }
            revision++;
            KeyValue kv = new KeyValue(key, value.clone(), revision, revision);
            current.put(key, kv);
            if (!ttl.isZero()) {
                expireAt(key, clock.instant().plus(ttl));
            }
            record(new WatchEvent.Put(kv, null));
            return kv;
        }
    }

    private record Deadline(String key, Instant at) {
    }

    /** Sets when {@code key} expires. Caller holds the lock. */
    private void expireAt(String key, Instant at) {
        deadlines.put(key, at);
        soonest.add(new Deadline(key, at));
    }

    /**
     * Deletes the keys whose TTL ran out, each at its own revision. Runs before every
     * operation, so it looks only at the soonest deadline. Caller holds the lock.
     */
    private void expire() {
        if (soonest.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        while (!soonest.isEmpty() && !soonest.peek().at().isAfter(now)) {
            Deadline due = soonest.poll();
            if (due.at().equals(deadlines.get(due.key()))) {
                deadlines.remove(due.key());
                revision++;
                record(new WatchEvent.Delete(current.remove(due.key()), revision));
            }
        }
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value) {
        synchronized (lock) {
            return replace(existing(key, expectedRevision), value);
        }
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value, Duration ttl) {
        synchronized (lock) {
            KeyValue kv = replace(existing(key, expectedRevision), value);
            if (ttl.isZero()) {
                deadlines.remove(key);
            } else {
                expireAt(key, clock.instant().plus(ttl));
            }
            return kv;
        }
    }

    /** Writes a new value over {@code existing}, keeping its create revision. Caller holds the lock. */
    private KeyValue replace(KeyValue existing, byte[] value) {
        revision++;
        KeyValue kv = new KeyValue(existing.key(), value.clone(), existing.createRevision(), revision);
        current.put(kv.key(), kv);
        record(new WatchEvent.Put(kv, existing));
        return kv;
    }

    @Override
    public KeyValue delete(String key, long expectedRevision) {
        synchronized (lock) {
            KeyValue existing = existing(key, expectedRevision);
            revision++;
            current.remove(key);
            deadlines.remove(key);
            record(new WatchEvent.Delete(existing, revision));
            return existing;
        }
    }

    /** The stored key, if it is at the expected revision (0: any). Caller holds the lock. */
    private KeyValue existing(String key, long expectedRevision) {
        checkOpen();
        KeyValue existing = current.get(key);
        if (existing == null) {
            throw new StorageException.KeyNotFound(key);
        }
        if (expectedRevision != 0 && existing.modRevision() != expectedRevision) {
            throw new StorageException.Conflict(existing, expectedRevision);
        }
        return existing;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        synchronized (lock) {
            checkOpen();
            return Optional.ofNullable(current.get(key));
        }
    }

    @Override
    public Page list(String prefix, long atRevision, String startAfter, int limit) {
        synchronized (lock) {
            checkOpen();
            long at = atRevision == 0 ? revision : atRevision;
            if (at > revision) {
                throw new IllegalArgumentException("revision " + at + " is newer than the store (" + revision + ")");
            }
            if (at < compactedRevision) {
                throw new StorageException.Compacted(at, compactedRevision);
            }
            TreeMap<String, KeyValue> view = at == revision ? current : stateAt(at, prefix);
            String from = startAfter == null ? prefix : startAfter;
            boolean inclusive = startAfter == null;
            List<KeyValue> items = new ArrayList<>();
            boolean more = false;
            for (KeyValue kv : view.tailMap(from, inclusive).values()) {
                if (!kv.key().startsWith(prefix)) {
                    break;
                }
                if (limit > 0 && items.size() == limit) {
                    more = true;
                    break;
                }
                items.add(kv);
            }
            return new Page(List.copyOf(items), at, more);
        }
    }

    /** The keys under {@code prefix} as they were at {@code at}: now, with newer events undone. */
    private TreeMap<String, KeyValue> stateAt(long at, String prefix) {
        TreeMap<String, KeyValue> state = new TreeMap<>(current.subMap(prefix, prefix + Character.MAX_VALUE));
        for (Iterator<WatchEvent> it = history.descendingIterator(); it.hasNext(); ) {
            WatchEvent event = it.next();
            if (revisionOf(event) <= at) {
                break;
            }
            if (event instanceof WatchEvent.Put put && put.kv().key().startsWith(prefix)) {
                if (put.previous() == null) {
                    state.remove(put.kv().key());
                } else {
                    state.put(put.kv().key(), put.previous());
                }
            } else if (event instanceof WatchEvent.Delete delete && delete.previous().key().startsWith(prefix)) {
                state.put(delete.previous().key(), delete.previous());
            }
        }
        return state;
    }

    @Override
    public Watch watch(String prefix, long afterRevision) {
        synchronized (lock) {
            checkOpen();
            if (afterRevision != 0 && afterRevision < compactedRevision) {
                throw new StorageException.Compacted(afterRevision, compactedRevision);
            }
            MemoryWatch watch = new MemoryWatch(prefix);
            if (afterRevision != 0) {
                for (WatchEvent event : history) {
                    if (revisionOf(event) > afterRevision) {
                        watch.offer(event);
                    }
                }
            }
            watchers.add(watch);
            return watch;
        }
    }

    @Override
    public void compact(long upTo) {
        synchronized (lock) {
            while (!history.isEmpty() && revisionOf(history.peekFirst()) <= upTo) {
                history.removeFirst();
            }
            compactedRevision = Math.max(compactedRevision, Math.min(upTo, revision));
        }
    }

    @Override
    public long currentRevision() {
        synchronized (lock) {
            if (!closed) {
                expire();
            }
            return revision;
        }
    }

    @Override
    public boolean ready(Duration timeout) {
        synchronized (lock) {
            return !closed;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            for (MemoryWatch watch : watchers) {
                watch.end("the store was closed");
            }
            watchers.clear();
        }
    }

    /** Appends to history (compacting the oldest past the limit) and tells every watcher. */
    private void record(WatchEvent event) {
        history.addLast(event);
        if (history.size() > historyLimit) {
            compactedRevision = revisionOf(history.removeFirst());
        }
        watchers.removeIf(watch -> !watch.offer(event));
    }

    /** Every operation starts here: a closed store refuses, an open one first expires TTLs. */
    private void checkOpen() {
        if (closed) {
            throw new StorageException.Unavailable("the store is closed");
        }
        expire();
    }

    private static long revisionOf(WatchEvent event) {
        if (event instanceof WatchEvent.Put put) {
            return put.revision();
        }
        if (event instanceof WatchEvent.Delete delete) {
            return delete.revision();
        }
        return Long.MAX_VALUE;
    }

    private static String keyOf(WatchEvent event) {
        if (event instanceof WatchEvent.Put put) {
            return put.kv().key();
        }
        if (event instanceof WatchEvent.Delete delete) {
            return delete.previous().key();
        }
        return "";
    }

    /** One watcher: its prefix, and a {@link QueuedWatch} filled by writers under {@code lock}. */
    private final class MemoryWatch extends QueuedWatch {
        private final String prefix;

        MemoryWatch(String prefix) {
            super(watchQueueLimit);
            this.prefix = prefix;
        }

        /** Queues a matching event; false when this watch is over (and should be dropped). */
        @Override
        boolean offer(WatchEvent event) {
            return !keyOf(event).startsWith(prefix) ? !isOver() : super.offer(event);
        }

        @Override
        public void close() {
            synchronized (lock) {
                watchers.remove(this);
                end("closed by the watcher");
            }
        }
    }
}
