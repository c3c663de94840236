package dev.kthw.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Many watch clients on one thread: plain non-blocking sockets and a selector, reading
 * the chunked watch stream by hand. A thread per watcher (or the JDK's HttpClient, which
 * decodes every line character by character) costs the benchmark more CPU than the
 * server it measures, on the same two cores; this keeps the client's share small.
 *
 * <p>Each watcher records, per write {@code w-N}, when the event naming it arrived.
 */
final class WatchClients implements AutoCloseable {

    private static final byte[] MARK = "\"name\":\"w-".getBytes(StandardCharsets.US_ASCII);

    private final Selector selector;
    private final List<Connection> connections = new ArrayList<>();
    private final CountDownLatch connected;
    private final CountDownLatch finished;
    private final Thread thread;
    private volatile IOException failure;

    /** Opens {@code arrivals.length} watches of {@code url}; {@code arrivals[c][i]} is when client c saw write i. */
    WatchClients(String url, long[][] arrivals, int[] seen, int writes) throws IOException {
        URI uri = URI.create(url);
        this.selector = Selector.open();
        this.connected = new CountDownLatch(arrivals.length);
        this.finished = new CountDownLatch(arrivals.length);
        byte[] request = ("GET " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\nHost: " + uri.getHost()
                + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int c = 0; c < arrivals.length; c++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()));
            channel.write(ByteBuffer.wrap(request));
            channel.configureBlocking(false);
            Connection connection = new Connection(c, channel, arrivals[c], seen, writes);
            channel.register(selector, SelectionKey.OP_READ, connection);
            connections.add(connection);
        }
        this.thread = new Thread(this::run, "watch-clients");
        thread.setDaemon(true);
        thread.start();
    }

    CountDownLatch connected() {
        return connected;
    }

    CountDownLatch finished() {
        return finished;
    }

    IOException failure() {
        return failure;
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        try {
            while (finished.getCount() > 0 && !Thread.currentThread().isInterrupted()) {
                selector.select(1000);
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    Connection connection = (Connection) key.attachment();
                    buffer.clear();
                    int n = ((SocketChannel) key.channel()).read(buffer);
                    if (n < 0) {
                        key.cancel();
                        connection.done();
                        continue;
                    }
                    connection.consume(buffer.array(), n);
                }
            }
        } catch (IOException e) {
            failure = e;
            while (finished.getCount() > 0) {
                finished.countDown();
            }
        }
    }

    @Override
    public void close() throws IOException {
        thread.interrupt();
        for (Connection c : connections) {
            c.channel.close();
        }
        selector.close();
    }

    /** One watch: the response's header, then chunks (size line, data, CRLF) holding lines of JSON. */
    private final class Connection {
        private final int id;
        private final SocketChannel channel;
        private final long[] arrivals;
        private final int[] seen;
        private final int writes;
        private final ByteArrayOutputStream header = new ByteArrayOutputStream();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final StringBuilder sizeLine = new StringBuilder();
        private boolean inHeader = true;
        private long chunkLeft = -1;   // -1: reading a size line; -2: reading the CRLF after data
        private boolean done;

        Connection(int id, SocketChannel channel, long[] arrivals, int[] seen, int writes) {
            this.id = id;
            this.channel = channel;
            this.arrivals = arrivals;
            this.seen = seen;
            this.writes = writes;
        }

        void consume(byte[] bytes, int length) {
            long now = System.nanoTime();
            int i = 0;
            while (i < length) {
                byte b = bytes[i];
                if (inHeader) {
                    header.write(b);
                    i++;
                    if (header.size() >= 4 && header.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                        inHeader = false;
                        connected.countDown();
                    }
                } else if (chunkLeft == -1) {
                    i++;
                    if (b == '\n') {
                        chunkLeft = Long.parseLong(sizeLine.toString().trim(), 16);
                        sizeLine.setLength(0);
                        if (chunkLeft == 0) {
                            done();
                            return;
                        }
                    } else {
                        sizeLine.append((char) b);
                    }
                } else if (chunkLeft == -2) {
                    i++;
                    if (b == '\n') {
                        chunkLeft = -1;
                    }
                } else {
                    int take = (int) Math.min(chunkLeft, length - i);
                    int from = i;
                    for (int k = i; k < i + take; k++) {
                        if (bytes[k] == '\n') {
                            line.write(bytes, from, k - from);
                            event(line.toByteArray(), now);
                            line.reset();
                            from = k + 1;
                        }
                    }
                    line.write(bytes, from, i + take - from);
                    i += take;
                    chunkLeft -= take;
                    if (chunkLeft == 0) {
                        chunkLeft = -2;
                    }
                }
            }
        }

        private void event(byte[] event, long now) {
            int at = indexOf(event, MARK);
            if (at < 0) {
                return;
            }
            int n = 0;
            for (int k = at + MARK.length; event[k] != '"'; k++) {
                n = n * 10 + (event[k] - '0');
            }
            arrivals[n] = now;
            if (++seen[id] == writes) {
                done();
            }
        }

        void done() {
            if (!done) {
                done = true;
                finished.countDown();
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
