package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.store.KeyValue;
import dev.kthw.store.Watch;
import dev.kthw.store.WatchEvent;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * {@code GET ...?watch=true}: a long-lived HTTP response, one JSON event per line,
 * {@code {"type":"ADDED","object":{...}}}, flushed as each change happens.
 *
 * <p>From a resourceVersion, the stream carries every change after it. Without one (or
 * with "0"), it first sends an ADDED for every object that exists, then the changes: a
 * client can build a complete cache from one watch. A resourceVersion the store has
 * compacted gets an ERROR event with a 410 Status; the client lists again.
 *
 * <p>Selectors filter as Kubernetes does: an object that stops matching arrives as
 * DELETED, one that starts matching as ADDED. With allowWatchBookmarks, a BOOKMARK
 * every minute carries the revision of the last change under the watched collection,
 * also of changes the selector filtered out, so a client can resume from there without
 * replaying them. (kube-apiserver's bookmarks follow the whole store's revision, which
 * its watch cache knows; a store watch only tells us about its own prefix.) The stream ends after timeoutSeconds (default: 30 to 60 minutes,
 * spread out as kube-apiserver does, so clients do not all reconnect at once).
 *
 * <p>A watch holds no server thread while it waits: the request becomes asynchronous,
 * and the {@link WatchPump}'s few threads serve every open watch in turn. The work per
 * change is shared too: a write is decoded once and encoded once ({@link SharedEvents}),
 * not once per watcher, so a thousand watchers cost a thousand copies of the same bytes,
 * not a thousand JSON parsers.
 */
final class WatchStreamer {

    private static final Duration BOOKMARK_EVERY = Duration.ofMinutes(1);
    /** A client this far behind in reading is sent nothing more until it catches up. */
    private static final int MAX_PENDING_BYTES = 4 << 20;

    private final Registry registry;
    private final Clock clock;
    private final SharedEvents shared = new SharedEvents(4096);
    private final WatchPump pump;

    WatchStreamer(Registry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        // Half the cores, at least one: the other half serve requests. On two cores, a second pump
        // thread made fan-out slower (p99 at 100 writes/s to 1,000 watchers: 74-122 ms, against 55-60 ms).
        this.pump = new WatchPump(clock, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    /** Where a watch starts: the objects to send first as ADDED, and the revision to follow the store from. */
    record Start(List<ObjectNode> initial, long fromRevision) {
    }

    // tag::watch-stream[]
    void stream(Context ctx, Target target, Predicate<ObjectNode> selector, boolean table) {
        Start start = start(target, ctx.queryParam("resourceVersion"), selector);
        Instant now = clock.instant();
        Instant end = now.plus(timeout(ctx.queryParam("timeoutSeconds")));
        Instant firstBookmark = "true".equals(ctx.queryParam("allowWatchBookmarks")) ? now.plus(BOOKMARK_EVERY) : null;
        ctx.status(200).contentType("application/json");
        ctx.res().setHeader("Transfer-Encoding", "chunked");
        CompletableFuture<Void> done = new CompletableFuture<>();
        // Javalin makes the request asynchronous, then calls this; the response ends when done completes.
        ctx.future(() -> {
            ClientWatch watch = new ClientWatch(ctx, target.type(), selector, table, start, end, firstBookmark, done);
            try {
                try {
                    watch.open(registry.watch(target.type(), target.namespace(), start.fromRevision()));
                } catch (ApiException expired) {
                    watch.failWith(expired.status());
                }
            } catch (IOException clientWentAway) {
                done.complete(null);
                return done;
            }
            pump.add(watch);
            return done;
        });
    }
    // end::watch-stream[]

    void close() {
        pump.close();
    }

    /**
     * Without a resourceVersion (or with "0"), a watch first lists what exists and then
     * follows the store from the revision of that list, so the client misses nothing
     * and sees nothing twice. With one, it follows the store from that revision.
     */
    Start start(Target target, String resourceVersion, Predicate<ObjectNode> selector) {
        // tag::lab-ch01-watch-start[]
        // lab: Without a resourceVersion (null, "" or "0"): list the collection with the
        // lab: selector (registry.list, no limit) and start after the list's revision, with
        // lab: its items to send first. Otherwise: nothing to send first, and start after
        // lab: the given revision (parseRevision turns a bad one into a 400).
        if (resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.equals("0")) {
            Registry.Page page = registry.list(target.type(), target.namespace(), selector, 0, null);
            return new Start(page.items(), page.resourceVersion());
        }
        return new Start(List.of(), parseRevision(resourceVersion));
        // end::lab-ch01-watch-start[]
    }

    /**
     * What a watcher sees of one change: {@code before} is the object before it (null
     * when it was just created), {@code after} the object after it (null when it was
     * deleted). Returns "ADDED", "MODIFIED", "DELETED", or null when the watcher sees
     * nothing of it.
     */
    static String eventType(ObjectNode before, ObjectNode after, Predicate<ObjectNode> selector) {
        // tag::lab-ch01-watch-event[]
        // lab: A watcher only sees objects its selector matches. An object that matches
        // lab: after the change is ADDED if it did not match before (or did not exist), else
        // lab: MODIFIED. One that matched before but not after (deleted, or changed so that
        // lab: it no longer matches) is DELETED. Anything else: null, nothing to send.
        boolean matchedBefore = before != null && selector.test(before);
        boolean matchesAfter = after != null && selector.test(after);
        if (matchesAfter) {
            return matchedBefore ? "MODIFIED" : "ADDED";
        }
        return matchedBefore ? "DELETED" : null;
        // end::lab-ch01-watch-event[]
    }

    private static Duration timeout(String seconds) {
        if (seconds == null || seconds.isEmpty()) {
            return Duration.ofSeconds(1800 + ThreadLocalRandom.current().nextInt(1800));
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(seconds)));
        } catch (NumberFormatException e) {
            throw ApiErrors.badRequest("invalid timeoutSeconds: " + seconds);
        }
    }

    static long parseRevision(String rv) {
        try {
            return Long.parseLong(rv);
        } catch (NumberFormatException e) {
            throw ApiErrors.badRequest("invalid resourceVersion: " + rv);
        }
    }

    /**
     * One client's watch: its store watch, its selector, and the bytes on their way to the
     * client. The pump's thread and Jetty's (telling us the client can take more, or is
     * gone) both touch it, so every method that reads or writes its state is synchronized.
     */
    private final class ClientWatch implements WatchPump.Turn, WriteListener {
        private final Context ctx;
        private final ResourceType type;
        private final Predicate<ObjectNode> selector;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();   // not yet written
        private final Frames frames;
        private final Instant end;
        private final CompletableFuture<Void> done;
        private Instant nextBookmark;   // null: the client did not ask for bookmarks
        private ServletOutputStream out;
        private Watch watch;            // null after an ERROR event: nothing more will come
        private long revision;
        private boolean ending;         // send what is pending, then end the response
        private boolean finished;

        ClientWatch(Context ctx, ResourceType type, Predicate<ObjectNode> selector, boolean table, Start start,
                    Instant end, Instant firstBookmark, CompletableFuture<Void> done) {
            this.ctx = ctx;
            this.type = type;
            this.selector = selector;
            this.frames = new Frames(pending, type, table, clock);
            this.end = end;
            this.nextBookmark = firstBookmark;
            this.done = done;
            this.revision = start.fromRevision();
            for (ObjectNode object : start.initial()) {
                frames.send("ADDED", object, null);
            }
        }

        /** Switches the response to non-blocking writes and sends the headers. */
        synchronized void open(Watch storeWatch) throws IOException {
            this.watch = storeWatch;
            out = ctx.res().getOutputStream();
            out.setWriteListener(this);
            if (out.isReady()) {
                out.flush();   // the headers: a client waits for them before it reads events
            }
        }

        synchronized void failWith(Object status) throws IOException {
            out = ctx.res().getOutputStream();
            out.setWriteListener(this);
            frames.error(status);
            ending = true;
        }

        @Override
        public synchronized boolean take(Instant now) {
            if (finished) {
                return false;
            }
            boolean worked = false;
            try {
                while (!ending && watch != null && pending.size() < MAX_PENDING_BYTES) {
                    WatchEvent event = watch.next(Duration.ZERO);
                    if (event == null) {
                        break;
                    }
                    deliver(event);
                    worked = true;
                }
                if (!now.isBefore(end)) {
                    ending = true;
                }
                if (nextBookmark != null && !now.isBefore(nextBookmark) && !ending) {
                    frames.bookmark(revision);
                    nextBookmark = now.plus(BOOKMARK_EVERY);
                }
                if (pending.size() > 0 && out.isReady()) {
                    out.write(pending.toByteArray());
                    pending.reset();
                    worked = true;
                    if (out.isReady()) {
                        out.flush();
                    }
                }
                if (ending && pending.size() == 0 && out.isReady()) {
                    finish();
                }
            } catch (IOException | RuntimeException clientWentAway) {
                finish();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finish();
            }
            return worked;
        }

        /** One store event, as this client sees it. */
        private void deliver(WatchEvent event) {
            // tag::watch-follow[]
            if (event instanceof WatchEvent.Ended) {
                ending = true;
            } else if (event instanceof WatchEvent.Put put) {
                revision = put.revision();
                SharedEvents.Entry after = shared.of(put.kv(), put.revision());
                ObjectNode before = put.previous() == null ? null
                        : shared.of(put.previous(), put.previous().modRevision()).object();
                String type = eventType(before, after.object(), selector);
                if (type != null) {
                    frames.send(type, after.object(), after);
                }
            } else if (event instanceof WatchEvent.Delete delete) {
                revision = delete.revision();
                // A deleted object is sent as it last was, at the revision of its deletion.
                SharedEvents.Entry last = shared.of(lastValue(delete.previous()), delete.revision());
                String type = eventType(last.object(), null, selector);
                if (type != null) {
                    frames.send(type, last.object(), last);
                }
            }
            // end::watch-follow[]
        }

        /**
         * The deleted key's last value; when etcd no longer has it (compacted before the
         * watch read it), the name and namespace its key gives, so the client can still
         * drop the object from its cache.
         */
        private KeyValue lastValue(KeyValue previous) {
            if (previous.value().length > 0) {
                return previous;
            }
            String[] segments = previous.key().split("/");
            ObjectNode tombstone = Json.MAPPER.createObjectNode().put("apiVersion", type.apiVersion())
                    .put("kind", type.kind());
            ObjectNode meta = tombstone.putObject("metadata").put("name", segments[segments.length - 1]);
            if (type.namespaced() && segments.length >= 2) {
                meta.put("namespace", segments[segments.length - 2]);
            }
            return new KeyValue(previous.key(), Json.bytes(tombstone), previous.createRevision(),
                    previous.modRevision());
        }

        private void finish() {
            if (!finished) {
                finished = true;
                if (watch != null) {
                    watch.close();
                }
                done.complete(null);
            }
        }

        @Override
        public synchronized boolean finished() {
            return finished;
        }

        @Override
        public void onWritePossible() {
            // Nothing to do here: the pump's next pass sees out.isReady() and writes.
        }

        @Override
        public synchronized void onError(Throwable clientWentAway) {
            finish();
        }
    }

    /** Watch events as lines of JSON, into a buffer; in Table form, each object becomes a one-row Table. */
    private static final class Frames {
        private final ByteArrayOutputStream out;
        private final ResourceType type;
        private final boolean table;
        private final Clock clock;
        private boolean columnsSent;

        Frames(ByteArrayOutputStream out, ResourceType type, boolean table, Clock clock) {
            this.out = out;
            this.type = type;
            this.table = table;
            this.clock = clock;
        }

        /** One event; {@code shared}, when there is one, holds the object already encoded. */
        void send(String eventType, ObjectNode object, SharedEvents.Entry shared) {
            if (table) {
                write(eventType, Tables.table(type, List.of(object), Json.text(object, "metadata.resourceVersion"),
                        "", !columnsSent, clock.instant()));
                columnsSent = true;
                return;
            }
            byte[] json = shared != null ? shared.json() : Json.bytes(object);
            out.writeBytes(("{\"type\":\"" + eventType + "\",\"object\":").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(json);
            out.write('}');
            out.write('\n');
        }

        void bookmark(long revision) {
            ObjectNode object = Json.MAPPER.createObjectNode().put("kind", type.kind())
                    .put("apiVersion", type.apiVersion());
            object.putObject("metadata").put("resourceVersion", String.valueOf(revision));
            write("BOOKMARK", object);
        }

        void error(Object status) {
            write("ERROR", status);
        }

        private void write(String eventType, Object object) {
            ObjectNode event = Json.MAPPER.createObjectNode().put("type", eventType);
            event.set("object", Json.MAPPER.valueToTree(object));
            out.writeBytes(Json.bytes(event));
            out.write('\n');
        }
    }
}
