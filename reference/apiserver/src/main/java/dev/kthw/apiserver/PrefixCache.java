package dev.kthw.apiserver;

import dev.kthw.store.KeyValue;
import dev.kthw.store.Storage;
import dev.kthw.store.Watch;
import dev.kthw.store.WatchEvent;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The objects under one store prefix, by name, kept current by a list and then a watch:
 * what an informer's lister gives kube-apiserver's admission plugins, so that admitting
 * a create costs no extra request to the store.
 *
 * <p>One thread lists the prefix, then watches it from the list's revision, and starts
 * over when the watch ends or the store fails. Each object is kept as {@code read} turns
 * it into a value, so a caller holds only what it needs (a flag, a small record).
 *
 * <p>What callers must know: the cache is a few milliseconds behind the store. A name it
 * does not know may exist already (created a moment ago): look it up in the store before
 * refusing anything. {@link #all()} is only offered while the cache is complete; before
 * the first list, and after a failure until the next one, callers read the store.
 */
final class PrefixCache<V> implements AutoCloseable {

    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Storage storage;
    private final String prefix;   // ".../namespaces/": a name is what follows it in a key
    private final Function<KeyValue, V> read;
    /** Every object the watch has seen, by name; written by the watch thread only. */
    private final Map<String, V> items = new ConcurrentHashMap<>();
    /** True from the end of a list while the watch that follows it runs: then {@link #items} is complete. */
    private volatile boolean synced;
    private volatile boolean running = true;
    private final Thread thread;

    PrefixCache(Storage storage, String prefix, String threadName, Function<KeyValue, V> read) {
        this.storage = storage;
        this.prefix = prefix;
        this.read = read;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** The cached value of {@code name}, or null when the cache does not know it (yet). */
    V get(String name) {
        return items.get(name);
    }

    /** The value of {@code name} from the cache, or else from the store. */
    Optional<V> lookup(String name) {
        V cached = items.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        return storage.get(prefix + name).map(read);
    }

    /** Every value, from the cache while it is complete, or else read from the store. */
    Collection<V> all() {
        if (synced) {
            return items.values();
        }
        return storage.list(prefix, 0, null, 0).items().stream().map(read).toList();
    }

    /** List, then watch from the list's revision; start again after a failure or the end of a watch. */
    private void run() {
        while (running) {
            try {
                Storage.Page page = storage.list(prefix, 0, null, 0);
                items.clear();
                for (KeyValue kv : page.items()) {
                    items.put(name(kv), read.apply(kv));
                }
                synced = true;
                follow(page.revision());
            } catch (RuntimeException e) {
                // The store is unreachable, the watch fell behind, a value would not read:
                // callers read the store until the next list.
            } catch (InterruptedException e) {
                return;
            } finally {
                synced = false;
                items.clear();
            }
            if (running) {
                sleep();
            }
        }
    }

    private void follow(long revision) throws InterruptedException {
        try (Watch watch = storage.watch(prefix, revision)) {
            while (running) {
                WatchEvent event = watch.next(RETRY);
                if (event instanceof WatchEvent.Put put) {
                    items.put(name(put.kv()), read.apply(put.kv()));
                } else if (event instanceof WatchEvent.Delete delete) {
                    items.remove(name(delete.previous()));
                } else if (event instanceof WatchEvent.Ended) {
                    return;
                }
            }
        }
    }

    private String name(KeyValue kv) {
        return kv.key().substring(prefix.length());
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
