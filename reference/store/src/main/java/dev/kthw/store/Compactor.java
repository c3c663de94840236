package dev.kthw.store;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Compacts the store's history at a fixed interval, as kube-apiserver does every 5
 * minutes ({@code --etcd-compaction-interval}; 0 turns it off). Without compaction etcd
 * keeps every revision of every key forever and eventually refuses writes (its space
 * quota, 2 GiB by default).
 *
 * <p>What it keeps: at each tick it compacts up to the revision it saw at the previous
 * tick, so one interval of history always remains. A watcher that was disconnected for
 * less than the interval can resume from its last resourceVersion; one gone longer gets
 * 410 Gone and lists again. That is the contract every Kubernetes client is built for.
 *
 * <p>Simpler than kube-apiserver: it coordinates several API servers through a key in
 * etcd so that only one compacts each interval; we run one API server.
 */
public final class Compactor implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Compactor.class.getName());

    private final Storage storage;
    private final ScheduledExecutorService timer;
    /** The revision seen at the previous tick: the next compaction's target. Only the timer thread uses it. */
    private long seenAtLastTick;

    /** Compacts {@code storage} every {@code interval} (zero: never) from now on. */
    public Compactor(Storage storage, Duration interval) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "compactor");
            t.setDaemon(true);
            return t;
        });
        if (!interval.isZero()) {
            long millis = interval.toMillis();
            timer.scheduleWithFixedDelay(this::tickSafely, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    // tag::tick[]
    /**
     * One tick: compact up to what was current at the previous tick, then remember what is
     * current now. Returns the revision compacted to (0: nothing yet).
     */
    long tick() {
        long target = seenAtLastTick;
        seenAtLastTick = storage.currentRevision();
        if (target > 0) {
            storage.compact(target);
        }
        return target;
    }
    // end::tick[]

    private void tickSafely() {
        try {
            long compacted = tick();
            if (compacted > 0) {
                LOG.fine(() -> "compacted the store up to revision " + compacted);
            }
        } catch (StorageException.Unavailable e) {
            // etcd is down: the next tick tries again; history only grows meanwhile.
            LOG.log(Level.WARNING, "could not compact the store: {0}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
