package dev.kthw.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An open watch: the body of {@code GET ...?watch=true}, one JSON frame per line, read
 * as it arrives. client-go's {@code watch.Interface} hands events out on a Go channel;
 * here the reader pulls them with {@link #next()}, on its own thread.
 *
 * <p>The stream ends when the server ends it (its {@code timeoutSeconds}, or after an
 * ERROR frame), or when anyone calls {@link #close()}, from any thread: that closes the
 * connection, which wakes a reader blocked in {@code next()}. A connection that breaks
 * off unasked is a {@link ServerUnreachableException}; either way, a client resumes
 * with a new watch from the last resourceVersion it saw.
 *
 * <p>Simpler than client-go: no idle timer. A connection that dies without a word (a
 * peer that vanished, no FIN) keeps {@code next()} waiting until the operating system
 * gives up on it; client-go has the same exposure over HTTP/1.1 and sends HTTP/2 pings
 * to find out sooner.
 */
public final class WatchStream implements AutoCloseable {

    private final String description;   // "GET /api/v1/pods", for messages
    private final InputStream body;
    /** Used by the reading thread only. */
    private final BufferedReader lines;
    /** Set by close(), from any thread: a read that fails afterwards is the end, not an error. */
    private volatile boolean closed;

    WatchStream(String description, InputStream body) {
        this.description = description;
        this.body = body;
        this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /**
     * The next event, waiting for it; null once the stream has ended (the server ended it,
     * or {@link #close()} was called).
     *
     * @throws ServerUnreachableException the connection broke off
     * @throws IllegalStateException      the server sent something that is not a watch frame
     */
    public WatchEvent next() {
        String line;
        try {
            do {
                line = lines.readLine();
            } while (line != null && line.isBlank());
        } catch (IOException e) {
            if (closed) {
                return null;
            }
            throw new ServerUnreachableException("the watch " + description + " broke off: " + e, e);
        }
        return line == null || closed ? null : WatchEvent.parse(line);
    }

    /** Hands every event to {@code handler}, in order, until the stream ends. */
    public void forEach(Consumer<WatchEvent> handler) {
        for (WatchEvent event = next(); event != null; event = next()) {
            handler.accept(event);
        }
    }

    /**
     * Ends the watch; safe from any thread, and more than once. Closes the body stream,
     * not the reader: a reader blocked in {@code readLine()} holds the reader's lock.
     */
    @Override
    public void close() {
        closed = true;
        try {
            body.close();
        } catch (IOException ignored) {
            // closing is all we wanted; there is nothing left to read either way
        }
    }
}
