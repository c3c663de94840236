package dev.kthw.store;

import java.time.Duration;

/** A stream of changes under a prefix. Close it when done; it is not shared between threads. */
public interface Watch extends AutoCloseable {

    /**
     * The next event, waiting at most {@code timeout}; null when none came in time. After
     * an {@link WatchEvent.Ended} every call returns it again.
     */
    WatchEvent next(Duration timeout) throws InterruptedException;

    @Override
    void close();
}
