package dev.kthw.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A local, always up-to-date copy of one collection (all pods, the nodes, the pods of
 * one namespace with a label...), and a stream of what changes in it: how every
 * controller, the scheduler and the kubelet see the cluster without asking the API
 * server again and again. This is client-go's SharedInformer: a reflector that lists and
 * watches, and a cache (the indexer) it keeps.
 *
 * <pre>
 *   list ─► fill the cache, remember the list's resourceVersion ─► synced
 *     └─► watch from that version ─► each event: update the cache, call the handlers
 *           ├─ the watch ends (server timeout, connection lost) ─► watch again from the last version seen
 *           └─ 410 Gone (that version is compacted away) ─► list again and reconcile the cache
 * </pre>
 *
 * <p>Invariants: the cache changes only on the informer's thread, which also calls the
 * handlers, one event at a time, in the order of the changes; after a re-list, the
 * handlers have been told the difference (onDelete for what disappeared, onUpdate for
 * what changed, onAdd for what is new), so a handler's own state never drifts from the
 * cache. Errors (server unreachable, refused) are retried with exponential backoff;
 * the cache stays as it was meanwhile, so readers see old data, never no data.
 *
 * <p>Callers must not change the objects they get, and cannot: every object handed out
 * ({@link #get}, {@link #list}, handler arguments) is a deep copy. client-go hands out
 * shared pointers and asks callers to copy before changing anything, a rule broken
 * often enough to corrupt caches in real controllers; a copy per read costs little at
 * kthw's scale.
 *
 * <p>Simpler than client-go: one informer serves its own handlers (no sharing of one
 * watch between controllers through a SharedInformerFactory); no DeltaFIFO between the
 * watch and the handlers (handlers run on the watch's thread, so a slow one delays the
 * stream); no periodic resync; no indexes beyond {@code namespace/name}; handlers must
 * be added before {@link #start()}.
 */
public final class Informer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Informer.class.getName());
    /** A watch that ends this soon with nothing in it is a failure, not a normal end (client-go does the same). */
    private static final Duration SHORT_WATCH = Duration.ofSeconds(1);

    /**
     * @param labelSelector  only objects with these labels ({@code app=web}); null for all
     * @param fieldSelector  only objects with these fields ({@code spec.nodeName=node-1}); null for all
     * @param watchTimeout   how long the server keeps each watch open ({@code timeoutSeconds}, whole seconds)
     * @param initialBackoff the pause after the first failure; it doubles with each failure after it
     * @param maxBackoff     the longest pause
     */
    public record Options(String labelSelector, String fieldSelector, Duration watchTimeout, Duration initialBackoff,
                          Duration maxBackoff) {

        public Options {
            Objects.requireNonNull(watchTimeout, "watchTimeout");
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (watchTimeout.toSeconds() < 1) {
                throw new IllegalArgumentException("the watch timeout is whole seconds, at least 1: " + watchTimeout);
            }
        }

        /** client-go's reflector: watches of 5 minutes, backoff from 800 ms up to 30 s. */
        public static Options defaults() {
            return new Options(null, null, Duration.ofMinutes(5), Duration.ofMillis(800), Duration.ofSeconds(30));
        }

        public Options withLabelSelector(String selector) {
            return new Options(selector, fieldSelector, watchTimeout, initialBackoff, maxBackoff);
        }

        public Options withFieldSelector(String selector) {
            return new Options(labelSelector, selector, watchTimeout, initialBackoff, maxBackoff);
        }

        public Options withWatchTimeout(Duration timeout) {
            return new Options(labelSelector, fieldSelector, timeout, initialBackoff, maxBackoff);
        }

        public Options withBackoff(Duration initial, Duration max) {
            return new Options(labelSelector, fieldSelector, watchTimeout, initial, max);
        }
    }

    /** How a watch ended: normally (resume from the last version) or with 410 Gone (list again). */
    private enum Ending { ENDED, GONE }

    private final KubeClient client;
    private final String path;
    private final Options options;
    private final Thread thread;
    private final List<EventHandler> handlers = new CopyOnWriteArrayList<>();
    /** key → the object as last seen. Written only by the informer's thread; read by anyone. */
    private final Map<String, JsonNode> cache = new ConcurrentHashMap<>();
    /** Opened once, after the first complete list. */
    private final CountDownLatch synced = new CountDownLatch(1);
    /** Opened by close(): ends the backoff pauses. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Written by the informer's thread only. */
    private volatile String lastResourceVersion = "";
    /** The open watch, so close() can end it from another thread; null between watches. */
    private volatile WatchStream currentWatch;
    private volatile boolean started;
    // How often the informer listed and watched: lets tests tell a resumed watch from a re-list.
    private final AtomicInteger lists = new AtomicInteger();
    private final AtomicInteger watches = new AtomicInteger();

    /** An informer on the collection at {@code path} ({@code /api/v1/pods}), with client-go's defaults. */
    public Informer(KubeClient client, String path) {
        this(client, path, Options.defaults());
    }

    public Informer(KubeClient client, String path, Options options) {
        this.client = Objects.requireNonNull(client, "client");
        this.path = Objects.requireNonNull(path, "path");
        this.options = Objects.requireNonNull(options, "options");
        this.thread = new Thread(this::run, "informer " + path);
        thread.setDaemon(true);
    }

    /** Adds a handler; only before {@link #start()}, so that every handler sees every object from the start. */
    public Informer addEventHandler(EventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (started) {
            throw new IllegalStateException("add handlers before the informer starts");
        }
        handlers.add(handler);
        return this;
    }

    /** Lists, then watches, on the informer's own (daemon) thread. */
    public void start() {
        if (started) {
            throw new IllegalStateException("the informer of " + path + " is already started");
        }
        started = true;
        thread.start();
    }

    /** Whether the cache has been filled by a complete list: before that, "not in the cache" means nothing. */
    public boolean hasSynced() {
        return synced.getCount() == 0;
    }

    /** Waits until the cache is filled; false if it is not after {@code timeout}. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        return synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A copy of every cached object, in key order. */
    public List<JsonNode> list() {
        List<JsonNode> copies = new ArrayList<>();
        new TreeMap<>(cache).values().forEach(object -> copies.add(object.deepCopy()));
        return copies;
    }

    /** A copy of the object with this key ({@code namespace/name}, or {@code name} for cluster-wide kinds). */
    public Optional<JsonNode> get(String key) {
        JsonNode object = cache.get(key);
        return object == null ? Optional.empty() : Optional.of(object.deepCopy());
    }

    /** The resourceVersion the cache is up to date with: of the last list, event or bookmark. */
    public String lastResourceVersion() {
        return lastResourceVersion;
    }

    /** client-go's MetaNamespaceKeyFunc: {@code namespace/name}, or {@code name} without a namespace. */
    public static String key(JsonNode object) {
        JsonNode meta = object.path("metadata");
        String namespace = meta.path("namespace").asText("");
        String name = meta.path("name").asText("");
        return namespace.isEmpty() ? name : namespace + "/" + name;
    }

    /** Stops: ends the open watch and the thread. Handlers are not called after this returns. */
    @Override
    public void close() {
        stopped.countDown();
        WatchStream watch = currentWatch;
        if (watch != null) {
            watch.close();
        }
        if (started && Thread.currentThread() != thread) {
            try {
                thread.join(client.timeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean stopping() {
        return stopped.getCount() == 0;
    }

    // --- the reflector: list, then watch, again and again ---

    private void run() {
        Duration backoff = options.initialBackoff();
        boolean mustList = true;
        while (!stopping()) {
            try {
                if (mustList) {
                    listAndReconcile();
                    mustList = false;
                }
                if (watchOnce() == Ending.GONE) {
                    LOG.info(() -> path + ": resourceVersion " + lastResourceVersion + " is too old (410): listing again");
                    mustList = true;
                }
                backoff = options.initialBackoff();
            } catch (RuntimeException e) {   // unreachable, refused, a broken stream: the same cure
                if (stopping()) {
                    return;
                }
                LOG.log(Level.WARNING, path + ": " + e.getMessage() + "; retrying in " + backoff.toMillis() + " ms");
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(options.maxBackoff()) > 0 ? options.maxBackoff()
                        : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * Lists the collection and makes the cache equal to it, telling the handlers each
     * difference. The first time, everything is an add; after a 410, only what changed
     * while the informer could not watch.
     */
    private void listAndReconcile() {
        ObjectNode list = client.list(path, selectors());
        Map<String, JsonNode> fresh = new LinkedHashMap<>();
        list.path("items").forEach(item -> fresh.put(key(item), item));
        for (String key : new ArrayList<>(cache.keySet())) {
            if (!fresh.containsKey(key)) {
                notifyDelete(cache.remove(key));
            }
        }
        for (Map.Entry<String, JsonNode> entry : fresh.entrySet()) {
            JsonNode old = cache.put(entry.getKey(), entry.getValue());
            if (old == null) {
                notifyAdd(entry.getValue());
            } else if (!version(old).equals(version(entry.getValue()))) {
                notifyUpdate(old, entry.getValue());
            }
        }
        lastResourceVersion = list.path("metadata").path("resourceVersion").asText("");
        lists.incrementAndGet();
        synced.countDown();
    }

    /** One watch from the last version seen, applied event by event until it ends. */
    private Ending watchOnce() {
        Instant opened = Instant.now();
        int events = 0;
        Map<String, String> query = selectors();
        query.put("timeoutSeconds", String.valueOf(options.watchTimeout().toSeconds()));
        try (WatchStream watch = client.watch(path, lastResourceVersion, query)) {
            currentWatch = watch;
            if (stopping()) {   // close() came before currentWatch was set
                return Ending.ENDED;
            }
            watches.incrementAndGet();
            for (WatchEvent event = watch.next(); event != null; event = watch.next()) {
                if (event.type() == WatchEvent.Type.ERROR) {
                    if (event.isGone()) {
                        return Ending.GONE;
                    }
                    throw new ApiException(event.status());
                }
                apply(event);
                events++;
            }
        } finally {
            currentWatch = null;
        }
        if (events == 0 && Duration.between(opened, Instant.now()).compareTo(SHORT_WATCH) < 0 && !stopping()) {
            throw new IllegalStateException("the watch ended after less than a second with no events");
        }
        return Ending.ENDED;
    }

    private void apply(WatchEvent event) {
        JsonNode object = event.object();
        switch (event.type()) {
            case ADDED, MODIFIED -> {
                JsonNode old = cache.put(key(object), object);
                if (old == null) {
                    notifyAdd(object);
                } else {
                    notifyUpdate(old, object);
                }
            }
            case DELETED -> {
                cache.remove(key(object));
                notifyDelete(object);
            }
            default -> {
                // BOOKMARK: nothing changed; only the version below moves on
            }
        }
        if (!event.resourceVersion().isEmpty()) {
            lastResourceVersion = event.resourceVersion();
        }
    }

    private Map<String, String> selectors() {
        Map<String, String> query = new LinkedHashMap<>();
        if (options.labelSelector() != null && !options.labelSelector().isEmpty()) {
            query.put("labelSelector", options.labelSelector());
        }
        if (options.fieldSelector() != null && !options.fieldSelector().isEmpty()) {
            query.put("fieldSelector", options.fieldSelector());
        }
        return query;
    }

    private static String version(JsonNode object) {
        return object.path("metadata").path("resourceVersion").asText("");
    }

    private void pause(Duration duration) {
        try {
            stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.countDown();
        }
    }

    // --- the handlers: each gets its own copy, and one that throws does not stop the others ---

    private void notifyAdd(JsonNode object) {
        for (EventHandler handler : handlers) {
            call(() -> handler.onAdd(object.deepCopy()));
        }
    }

    private void notifyUpdate(JsonNode old, JsonNode now) {
        for (EventHandler handler : handlers) {
            call(() -> handler.onUpdate(old.deepCopy(), now.deepCopy()));
        }
    }

    private void notifyDelete(JsonNode last) {
        for (EventHandler handler : handlers) {
            call(() -> handler.onDelete(last.deepCopy()));
        }
    }

    private void call(Runnable handlerCall) {
        if (stopping()) {
            return;
        }
        try {
            handlerCall.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, path + ": an event handler failed", e);
        }
    }

    // --- for tests ---

    int lists() {
        return lists.get();
    }

    int watches() {
        return watches.get();
    }
}
