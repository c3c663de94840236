package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.store.Watch;
import dev.kthw.store.WatchEvent;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 */
final class WatchStreamer {

    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration BOOKMARK_EVERY = Duration.ofMinutes(1);

    private final Registry registry;
    private final Clock clock;

    WatchStreamer(Registry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    void stream(Context ctx, Target target, Predicate<ObjectNode> selector, boolean table) throws IOException {
        String rv = ctx.queryParam("resourceVersion");
        Duration timeout = timeout(ctx.queryParam("timeoutSeconds"));
        boolean bookmarks = "true".equals(ctx.queryParam("allowWatchBookmarks"));
        long from;
        List<ObjectNode> initial = List.of();
        if (rv == null || rv.isEmpty() || rv.equals("0")) {
            Registry.Page page = registry.list(target.type(), target.namespace(), selector, 0, null);
            initial = page.items();
            from = page.resourceVersion();
        } else {
            from = parseRevision(rv);
        }
        ctx.status(200).contentType("application/json");
        ctx.res().setHeader("Transfer-Encoding", "chunked");
        ctx.res().flushBuffer();   // send the headers now: a client waits for them before it reads events
        OutputStream out = ctx.res().getOutputStream();
        Frames frames = new Frames(out, target.type(), table, clock);
        Watch watch;
        try {
            watch = registry.watch(target.type(), target.namespace(), from);
        } catch (ApiException expired) {
            frames.error(expired.status());
            return;
        }
        try (watch) {
            for (ObjectNode object : initial) {
                frames.send("ADDED", object);
            }
            frames.flush();
            follow(watch, frames, selector, timeout, bookmarks, from);
        } catch (IOException clientWentAway) {
            // The client closed the connection: nothing to tell anyone, the watch closes.
        }
    }

    private void follow(Watch watch, Frames frames, Predicate<ObjectNode> selector, Duration timeout,
                        boolean bookmarks, long from) throws IOException {
        Instant end = clock.instant().plus(timeout);
        Instant nextBookmark = clock.instant().plus(BOOKMARK_EVERY);
        long revision = from;
        while (clock.instant().isBefore(end)) {
            WatchEvent event;
            try {
                event = watch.next(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (event instanceof WatchEvent.Ended) {
                return;
            }
            if (event instanceof WatchEvent.Put put) {
                revision = put.revision();
                ObjectNode now = Registry.decode(put.kv());
                boolean was = put.previous() != null && selector.test(Registry.decode(put.previous()));
                boolean is = selector.test(now);
                if (is) {
                    frames.send(was ? "MODIFIED" : "ADDED", now);
                } else if (was) {
                    frames.send("DELETED", now);
                }
            } else if (event instanceof WatchEvent.Delete delete) {
                revision = delete.revision();
                ObjectNode last = Registry.decode(delete.previous());
                Json.child(last, "metadata").put("resourceVersion", String.valueOf(delete.revision()));
                if (selector.test(last)) {
                    frames.send("DELETED", last);
                }
            }
            if (bookmarks && !clock.instant().isBefore(nextBookmark)) {
                frames.bookmark(revision);
                nextBookmark = clock.instant().plus(BOOKMARK_EVERY);
            }
            frames.flush();
        }
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

    private static long parseRevision(String rv) {
        try {
            return Long.parseLong(rv);
        } catch (NumberFormatException e) {
            throw ApiErrors.badRequest("invalid resourceVersion: " + rv);
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

        void send(String eventType, ObjectNode object) throws IOException {
            Object payload = object;
            if (table) {
                payload = Tables.table(type, List.of(object), Json.text(object, "metadata.resourceVersion"), "",
                        !columnsSent, clock.instant());
                columnsSent = true;
            }
            write(eventType, payload);
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
