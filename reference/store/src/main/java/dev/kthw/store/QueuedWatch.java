package dev.kthw.store;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What both stores' watches share: events put in by a producer (a writer of the memory
 * store, jetcd's network threads) and taken out by the watcher's own thread, through a
 * bounded queue. A watcher more than {@code limit} events behind is ended, as Kubernetes
 * ends slow watchers, and must list again; nothing ever blocks the producer.
 *
 * <p>Invariant: after the {@link WatchEvent.Ended} is queued, nothing more is. {@code ended}
 * is written under this object's lock and read by the watcher without it, hence volatile.
 */
abstract class QueuedWatch implements Watch {

    private final BlockingQueue<WatchEvent> queue = new LinkedBlockingQueue<>();
    private final int limit;
    private volatile WatchEvent.Ended ended;

    QueuedWatch(int limit) {
        this.limit = limit;
    }

    /** Queues an event; false when this watch is over, also when it ends now because the watcher fell behind. */
    synchronized boolean offer(WatchEvent event) {
        if (ended != null) {
            return false;
        }
        if (queue.size() >= limit) {
            end("the watcher fell more than " + limit + " events behind");
            return false;
        }
        queue.add(event);
        return true;
    }

    boolean isOver() {
        return ended != null;
    }

    /** Ends the watch: the watcher gets what is queued, then an Ended with this reason. */
    synchronized void end(String reason) {
        if (ended == null) {
            ended = new WatchEvent.Ended(reason);
            queue.add(ended);
        }
    }

    @Override
    public WatchEvent next(Duration timeout) throws InterruptedException {
        WatchEvent event = queue.poll();
        if (event == null && ended != null) {
            return ended;
        }
        return event != null ? event : queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
