package dev.kthw.apiserver;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that serve every open watch. A watch is mostly waiting: for the store to
 * change, or for a slow client to read. A thread per watch (1,000 watchers, 1,000
 * threads, each woken for every write) spends two cores on switching between threads;
 * here a few threads, one for every two cores, take turns over all the watches instead.
 *
 * <p>Each pass offers every watch a turn ({@link Turn#take}): it moves what its store
 * watch has queued into its output, and writes without blocking, so one client that
 * does not read cannot hold up the others. A pass with nothing to do parks its thread
 * for {@link #IDLE_NANOS}, which bounds what this adds to an event's latency. A thread
 * with no watch at all sleeps until {@link #add} gives it one: polling an empty lane 500
 * times a second took about 4% of the API server's CPU under a write load with no
 * watcher (chapter 02's benchmark), CPU that requests and etcd need on a small machine.
 *
 * <p>kube-apiserver goes further: one store watch per resource feeds a watch cache, and
 * every client watch is served from it. We keep a store watch per client, so each
 * client's "no event lost, none twice" rests on the store alone.
 */
final class WatchPump implements AutoCloseable {

    /** How long a pass that found nothing to do waits before the next one. */
    static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /** One open watch, as the pump sees it. */
    interface Turn {
        /** Does what can be done now without blocking; true if it did anything. */
        boolean take(Instant now);

        /** True once the watch is over and can be forgotten. */
        boolean finished();
    }

    private final Clock clock;
    private final List<Queue<Turn>> lanes = new ArrayList<>();   // one queue of watches per thread
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean running = true;

    WatchPump(Clock clock, int threadCount) {
        this.clock = clock;
        for (int i = 0; i < threadCount; i++) {
            Queue<Turn> lane = new ConcurrentLinkedQueue<>();
            lanes.add(lane);
            Thread thread = new Thread(() -> run(lane), "watch-pump-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Serves a watch from now on, on the least recently chosen thread. */
    void add(Turn turn) {
        int lane = Math.floorMod(next.getAndIncrement(), lanes.size());
        lanes.get(lane).add(turn);
        LockSupport.unpark(threads.get(lane));   // it may be asleep on an empty lane
    }

    private void run(Queue<Turn> lane) {
        while (running) {
            Instant now = clock.instant();
            boolean worked = false;
            for (var it = lane.iterator(); it.hasNext(); ) {
                Turn turn = it.next();
                worked |= turn.take(now);
                if (turn.finished()) {
                    it.remove();
                }
            }
            if (!worked) {
                if (lane.isEmpty()) {
                    // Until add() or close() unparks us. One that came after the isEmpty()
                    // check has left its permit, so this park returns at once.
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(IDLE_NANOS);
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(LockSupport::unpark);
    }
}
