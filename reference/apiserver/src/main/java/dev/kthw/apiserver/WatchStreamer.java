package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.store.KeyValue;
import dev.kthw.store.Watch;
import dev.kthw.store.WatchEvent;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * carries the current resourceVersion every minute, so an idle client can resume
 * without replaying. The stream ends after timeoutSeconds (default: 30 to 60 minutes,
 * spread out as kube-apiserver does, so clients do not all reconnect at once).
 *
 * <p>Each watch holds one server thread while it lasts. kube-apiserver multiplexes
 * watchers over a cache instead; we keep the simple shape and give Jetty enough threads.
 * What we do share is the work per change: a write is decoded once and encoded once
 * ({@link SharedEvents}), not once per watcher, so a thousand watchers cost a thousand
 * copies of the same bytes, not a thousand JSON parsers.
 */
final class WatchStreamer {

    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration BOOKMARK_EVERY = Duration.ofMinutes(1);

    private final Registry registry;
    private final Clock clock;
    private final SharedEvents shared = new SharedEvents(4096);

    WatchStreamer(Registry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Where a watch starts: the objects to send first as ADDED, and the revision to follow the store from. */
    record Start(List<ObjectNode> initial, long fromRevision) {
    }

    // tag::watch-stream[]
    void stream(Context ctx, Target target, Predicate<ObjectNode> selector, boolean table) throws IOException {
        Start start = start(target, ctx.queryParam("resourceVersion"), selector);
        Duration timeout = timeout(ctx.queryParam("timeoutSeconds"));
        boolean bookmarks = "true".equals(ctx.queryParam("allowWatchBookmarks"));
        ctx.status(200).contentType("application/json");
        ctx.res().setHeader("Transfer-Encoding", "chunked");
        ctx.res().flushBuffer();   // send the headers now: a client waits for them before it reads events
        OutputStream out = ctx.res().getOutputStream();
        Frames frames = new Frames(out, target.type(), table, clock);
        Watch watch;
        try {
            watch = registry.watch(target.type(), target.namespace(), start.fromRevision());
        } catch (ApiException expired) {
            frames.error(expired.status());
            return;
        }
        try (watch) {
            for (ObjectNode object : start.initial()) {
                frames.send("ADDED", object, null);
            }
            frames.flush();
            follow(watch, frames, selector, timeout, bookmarks, start.fromRevision());
        } catch (IOException clientWentAway) {
            // The client closed the connection: nothing to tell anyone, the watch closes.
        }
    }
    // end::watch-stream[]

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

    private void follow(Watch watch, Frames frames, Predicate<ObjectNode> selector, Duration timeout,
                        boolean bookmarks, long from) throws IOException {
        Instant end = clock.instant().plus(timeout);
        Instant nextBookmark = clock.instant().plus(BOOKMARK_EVERY);
        long revision = from;
        while (clock.instant().isBefore(end)) {
            WatchEvent event;
            try {
                // Take what is already queued without waiting, and flush only when the queue is
                // empty: a watcher that fell behind catches up in large writes, not one per event.
                event = watch.next(Duration.ZERO);
                if (event == null) {
                    frames.flush();
                    event = watch.next(POLL);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            // tag::watch-follow[]
            if (event instanceof WatchEvent.Ended) {
                return;
            }
            if (event instanceof WatchEvent.Put put) {
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
                SharedEvents.Entry last = shared.of(delete.previous(), delete.revision());
                String type = eventType(last.object(), null, selector);
                if (type != null) {
                    frames.send(type, last.object(), last);
                }
            }
            // end::watch-follow[]
            if (bookmarks && !clock.instant().isBefore(nextBookmark)) {
                frames.bookmark(revision);
                nextBookmark = clock.instant().plus(BOOKMARK_EVERY);
            }
        }
        frames.flush();
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
     * The recent store events, decoded (and, on first use, encoded) once for every watcher.
     * An entry is the object at one revision; entries are never modified once made, so
     * watchers share them without copies. The oldest go when there are more than
     * {@code capacity}: a watcher that far behind decodes again, which is only slower.
     */
    static final class SharedEvents {
        private final Map<String, Entry> recent;   // guarded by this

        SharedEvents(int capacity) {
            this.recent = new LinkedHashMap<>(capacity, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                    return size() > capacity;
                }
            };
        }

        /** The stored value as the API sends it: with its resourceVersion set to {@code revision}. */
        synchronized Entry of(KeyValue kv, long revision) {
            return recent.computeIfAbsent(kv.key() + "@" + revision, k -> {
                ObjectNode object = Json.object(kv.value());
                Json.child(object, "metadata").put("resourceVersion", String.valueOf(revision));
                return new Entry(object);
            });
        }

        static final class Entry {
            private final ObjectNode object;
            private volatile byte[] json;   // the object encoded, made by the first watcher that sends it

            Entry(ObjectNode object) {
                this.object = object;
            }

            ObjectNode object() {
                return object;
            }

            byte[] json() {
                byte[] encoded = json;
                if (encoded == null) {
                    encoded = Json.bytes(object);
                    json = encoded;
                }
                return encoded;
            }
        }
    }

    /** Writes watch events as lines of JSON; in Table form, each object becomes a one-row Table. */
    private static final class Frames {
        private final OutputStream out;
        private final ResourceType type;
        private final boolean table;
        private final Clock clock;
        private boolean columnsSent;
        private boolean pending;

        Frames(OutputStream out, ResourceType type, boolean table, Clock clock) {
            this.out = out;
            this.type = type;
            this.table = table;
            this.clock = clock;
        }

        /** One event; {@code shared}, when there is one, holds the object already encoded. */
        void send(String eventType, ObjectNode object, SharedEvents.Entry shared) throws IOException {
            if (table) {
                write(eventType, Tables.table(type, List.of(object), Json.text(object, "metadata.resourceVersion"),
                        "", !columnsSent, clock.instant()));
                columnsSent = true;
                return;
            }
            byte[] json = shared != null ? shared.json() : Json.bytes(object);
            out.write(("{\"type\":\"" + eventType + "\",\"object\":").getBytes(StandardCharsets.UTF_8));
            out.write(json);
            out.write('}');
            out.write('\n');
            pending = true;
        }

        void bookmark(long revision) throws IOException {
            ObjectNode object = Json.MAPPER.createObjectNode().put("kind", type.kind())
                    .put("apiVersion", type.apiVersion());
            object.putObject("metadata").put("resourceVersion", String.valueOf(revision));
            write("BOOKMARK", object);
        }

        void error(Object status) throws IOException {
            write("ERROR", status);
            flush();
        }

        private void write(String eventType, Object object) throws IOException {
            ObjectNode event = Json.MAPPER.createObjectNode().put("type", eventType);
            event.set("object", Json.MAPPER.valueToTree(object));
            out.write(Json.MAPPER.writeValueAsBytes(event));
            out.write('\n');
            pending = true;
        }

        void flush() throws IOException {
            if (pending) {
                out.flush();
                pending = false;
            }
        }
    }
}
