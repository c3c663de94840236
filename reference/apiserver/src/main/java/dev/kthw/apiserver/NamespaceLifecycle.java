package dev.kthw.apiserver;

import dev.kthw.api.ApiException;
import dev.kthw.api.Status;
import dev.kthw.store.KeyValue;
import dev.kthw.store.Storage;
import dev.kthw.store.StorageException;
import dev.kthw.store.Watch;
import dev.kthw.store.WatchEvent;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admission's NamespaceLifecycle: objects go only into namespaces that exist and are not
 * being deleted.
 *
 * <p>kube-apiserver answers this from an informer's cache of namespaces rather than from
 * etcd, so that a create costs one request to the store, not two. So do we: a thread
 * lists the namespaces and then watches them, keeping {@link #terminating} up to date.
 * A namespace the cache does not know (created a moment ago, before its event arrived)
 * is looked up in the store, so a new namespace is never refused. The cache can be a few
 * milliseconds behind a deletion; kube-apiserver has the same window, and its namespace
 * controller removes what slipped in.
 */
final class NamespaceLifecycle implements AutoCloseable {

    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Storage storage;
    private final String prefix;   // where namespaces are kept: ".../namespaces/"
    /** Every namespace the watch has seen, and whether it is being deleted; written by the watch thread only. */
    private final Map<String, Boolean> terminating = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    NamespaceLifecycle(Storage storage, String prefix) {
        this.storage = storage;
        this.prefix = prefix;
        this.thread = new Thread(this::run, "namespace-lifecycle");
        thread.setDaemon(true);
        thread.start();
    }

    /** Refuses a create in {@code namespace} as kube-apiserver does: 404 if it does not exist, 403 if terminating. */
    void admit(String namespace) {
        Boolean isTerminating = terminating.get(namespace);
        if (isTerminating == null) {
            Optional<KeyValue> stored = storage.get(prefix + namespace);
            if (stored.isEmpty()) {
                throw ApiErrors.namespaceNotFound(namespace);
            }
            isTerminating = isTerminating(stored.get());
        }
        if (isTerminating) {
            throw new ApiException(Status.failure(403, "Forbidden", "unable to create new content in namespace "
                    + namespace + " because it is being terminated", null));
        }
    }

    /** List, then watch from the list's revision; start again after a failure or the end of a watch. */
    private void run() {
        while (running) {
            try {
                Storage.Page page = storage.list(prefix, 0, null, 0);
                terminating.clear();
                for (KeyValue kv : page.items()) {
                    terminating.put(name(kv), isTerminating(kv));
                }
                follow(page.revision());
            } catch (StorageException | IllegalStateException e) {
                // The store is unreachable or the watch fell behind: lookups go to the store meanwhile.
                terminating.clear();
            } catch (InterruptedException e) {
                return;
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
                    terminating.put(name(put.kv()), isTerminating(put.kv()));
                } else if (event instanceof WatchEvent.Delete delete) {
                    terminating.remove(name(delete.previous()));
                } else if (event instanceof WatchEvent.Ended) {
                    return;
                }
            }
        }
    }

    private String name(KeyValue kv) {
        return kv.key().substring(prefix.length());
    }

    private static boolean isTerminating(KeyValue kv) {
        return Json.object(kv.value()).path("metadata").has("deletionTimestamp");
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
