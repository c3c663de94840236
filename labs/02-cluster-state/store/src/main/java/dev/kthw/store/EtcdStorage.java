package dev.kthw.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongUnaryOperator;
import javax.net.ssl.SSLException;

/**
 * The {@link Storage} on etcd (chapter 02): what kube-apiserver's {@code storage/etcd3}
 * package does, over the jetcd client. etcd already is the store the interface was
 * shaped after, so most methods are one etcd request:
 *
 * <ul>
 * <li>create: a transaction "if the key's create_revision is 0 (it does not exist), put
 *     it"; a failed comparison means it exists, and nothing is read back.</li>
 * <li>update and delete: "if the key's mod_revision is still the one the caller read,
 *     write"; otherwise read it back to say Conflict or KeyNotFound. This compare is
 *     Kubernetes' optimistic concurrency: resourceVersion is etcd's mod_revision.</li>
 * <li>list: one range read at one revision; later pages read at that same revision, so
 *     a paged list is one snapshot (until compaction removes it: 410 Expired).</li>
 * <li>watch: etcd's watch from a revision, with the previous value of each key
 *     ({@code prev_kv}) so a delete says what went away; see {@link EtcdWatch}.</li>
 * <li>TTL: a lease; etcd deletes the lease's keys when it expires ({@link Leases}).</li>
 * </ul>
 *
 * <p>Invariants: the values are the caller's bytes, unchanged (the API server's JSON, so
 * {@code etcdctl get /registry/pods/default/web} prints the pod); no request waits
 * longer than {@code requestTimeout}: when etcd does not answer in time (down, no
 * leader, partitioned) the call fails with {@link StorageException.Unavailable}, never
 * hangs. A write that timed out may still have happened; the caller must read to know.
 * When etcd has never answered, the first timeout also says why if a client can tell (a
 * TLS certificate refused, nothing listening: {@link EtcdDiagnosis}, asked once, within
 * one more {@code requestTimeout}), so a wrong flag is found at start-up, not guessed at.
 *
 * <p>Simpler than kube-apiserver: no watch cache (every API watch is an etcd watch, and
 * every list reads etcd), no transformers (encryption at rest comes in chapter 10), and
 * no protobuf encoding of values, only JSON.
 */
public final class EtcdStorage implements Storage {

    /**
     * How to reach etcd, as kube-apiserver's flags say it.
     *
     * @param endpoints      {@code --etcd-servers}, such as {@code http://127.0.0.1:2379}
     * @param caFile         {@code --etcd-cafile}: the CA that signed etcd's certificate (null: no TLS)
     * @param certFile       {@code --etcd-certfile}: our client certificate (null: none)
     * @param keyFile        {@code --etcd-keyfile}: its private key (PKCS#8 PEM)
     * @param requestTimeout the longest any request may wait for etcd
     */
    public record Options(List<String> endpoints, String caFile, String certFile, String keyFile,
                          Duration requestTimeout) {
        public Options {
            endpoints = List.copyOf(endpoints);
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("at least one etcd endpoint is needed");
            }
            Objects.requireNonNull(requestTimeout, "requestTimeout");
        }

        public static Options of(String... endpoints) {
            return new Options(List.of(endpoints), null, null, null, Duration.ofSeconds(5));
        }
    }

    private final Options options;
    private final Client client;
    private final KV kv;
    private final Leases leases;
    private final Duration timeout;
    private final String endpoints;
    /** The highest revision this store compacted etcd to: what 410 says when etcd cannot be asked. Any thread. */
    private volatile long compactedRevision;
    /** Whether etcd ever answered this store; until it has, a timeout is worth explaining. Any thread. */
    private volatile boolean answered;
    /** Why etcd did not answer, once asked ({@link EtcdDiagnosis}); null before. Guarded by {@code this}. */
    private String noAnswerReason;

    public EtcdStorage(Options options) {
        this(options, Clock.systemUTC());
    }

    /** A store whose lease sharing runs on {@code clock}, so a test can move time on. */
    public EtcdStorage(Options options, Clock clock) {
        this.options = Objects.requireNonNull(options, "options");
        Objects.requireNonNull(clock, "clock");
        this.client = connect(options, true);
        this.kv = client.getKVClient();
        this.timeout = options.requestTimeout();
        this.endpoints = String.join(",", options.endpoints());
        this.leases = new Leases(client.getLeaseClient(), this::await, clock);
    }

    /**
     * The jetcd client. Connections are lazy: creating it never fails because etcd is down;
     * the first request does. gRPC's wait-for-ready (jetcd's default) holds a request
     * while the connection is re-established, say during a leader change, up to our timeout.
     * Without it a request fails at once when there is no connection, saying why.
     *
     * <p>jetcd hands every request to a thread pool of its own, which calls gRPC and later
     * completes the caller's future: two thread wake-ups on top of gRPC's own. We give it
     * {@link InCallersThread} instead, so the request leaves from the thread that makes it
     * and its answer completes the future on gRPC's event loop. That is safe here because
     * no code of ours chains work onto a jetcd future: every call waits for its answer in
     * {@link #await}. A single create through the API server takes 5–15% less time so.
     */
    static Client connect(Options options, boolean waitForReady) {
        ClientBuilder builder = Client.builder().endpoints(options.endpoints().toArray(String[]::new))
                .connectTimeout(Duration.ofSeconds(2))
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5))
                // gRPC refuses answers over 4 MiB by default; a list of 10,000 pods is larger.
                // kube-apiserver lifts the limit the same way (MaxCallRecvMsgSize).
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .executorService(new InCallersThread());
        if (!waitForReady) {
            builder.waitForReady(false).retryMaxAttempts(0);    // the first failure, with its reason
        }
        if (options.caFile() != null) {
            try {
                builder.sslContext(ssl -> {
                    ssl.trustManager(new File(options.caFile()));
                    if (options.certFile() != null) {
                        ssl.keyManager(new File(options.certFile()), new File(options.keyFile()));
                    }
                });
            } catch (SSLException e) {
                throw new IllegalArgumentException("cannot use the etcd TLS files: " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    /**
     * An executor that runs what it is given at once, in the thread that gives it: for jetcd
     * (see {@link #connect}). Shutting it down stops nothing, as there is nothing running.
     */
    private static final class InCallersThread extends AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    @Override
    public KeyValue create(String key, byte[] value, Duration ttl) {
        // TODO lab 02, task create:
        // One etcd transaction: if the key's create_revision is 0 (it does not exist),
        // put the value (with the lease from leases.leaseFor(ttl) when ttl is not zero).
        // Wait for it with await(...). Not succeeded: KeyExists. The new key's create
        // and mod revisions are the revision in the response's header.
        throw new UnsupportedOperationException("lab 02, task create: not written yet (see labs/02-cluster-state/README.adoc)");
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value) {
        return update(key, expectedRevision, value, keyLease -> keyLease);
    }

    @Override
    public KeyValue update(String key, long expectedRevision, byte[] value, Duration ttl) {
        long lease = ttl.isZero() ? 0 : leases.leaseFor(ttl);
        return update(key, expectedRevision, value, keyLease -> lease);
    }

    /** An update whose put carries {@code lease.applyAsLong(the key's lease now)}: the same one, or a new one. */
    private KeyValue update(String key, long expectedRevision, byte[] value, LongUnaryOperator lease) {
        // TODO lab 02, task update:
        // Read the key (KeyNotFound when missing; Conflict when expectedRevision is not
        // 0 and not its mod_revision). Then one transaction: if its mod_revision is still
        // what you read, put the value with the lease lease.applyAsLong(the key's lease),
        // which keeps its lease or gives it a new one (etcd drops a key's lease on a put
        // without one); else get it. If the transaction failed, someone wrote in
        // between: Conflict (or KeyNotFound) when the caller named a revision, otherwise
        // read again and retry. The new mod_revision is the response header's revision.
        throw new UnsupportedOperationException("lab 02, task update: not written yet (see labs/02-cluster-state/README.adoc)");
    }

    @Override
    public KeyValue delete(String key, long expectedRevision) {
        // TODO lab 02, task delete:
        // One transaction: if the key's mod_revision is expectedRevision (or, for 0, if
        // it exists at all: create_revision > 0), delete it asking for the previous value
        // (prev_kv), which you return; else get it, to say Conflict or KeyNotFound.
        throw new UnsupportedOperationException("lab 02, task delete: not written yet (see labs/02-cluster-state/README.adoc)");
    }

    /** A failed compare: the Else branch read the key; it is missing, or at another revision. */
    private static StorageException changedUnderUs(String key, long expected, TxnResponse response) {
        List<io.etcd.jetcd.KeyValue> found = response.getGetResponses().get(0).getKvs();
        if (found.isEmpty()) {
            return new StorageException.KeyNotFound(key);
        }
        return new StorageException.Conflict(toKeyValue(found.get(0)), expected);
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return first(await(kv.get(bytes(key)))).map(EtcdStorage::toKeyValue);
    }

    @Override
    public Page list(String prefix, long revision, String startAfter, int limit) {
        // TODO lab 02, task list:
        // One range read: from the prefix (or, to continue, from the first key after
        // startAfter, which is startAfter + "\0") to the end of the prefix
        // (OptionsUtil.prefixEndOf), at revision (0: the latest) with limit (0: no
        // limit). The page's revision is the one asked for, or for 0 the header's
        // revision, so that the next page can read the same snapshot; more is isMore().
        throw new UnsupportedOperationException("lab 02, task list: not written yet (see labs/02-cluster-state/README.adoc)");
    }

    @Override
    public Watch watch(String prefix, long afterRevision) {
        // TODO lab 02, task watch:
        // etcd watches from a start revision, inclusive: start at afterRevision + 1 (or,
        // for 0, at the current revision + 1: from now on). First read one key at
        // afterRevision, so a compacted revision fails here, at once, with Compacted
        // (await does the mapping). Then open an EtcdWatch with client.getWatchClient(),
        // a prefix WatchOption at that revision with prev_kv on.
        throw new UnsupportedOperationException("lab 02, task watch: not written yet (see labs/02-cluster-state/README.adoc)");
    }

    @Override
    public void compact(long revision) {
        long upTo = Math.min(revision, currentRevision());
        try {
            await(kv.compact(upTo, CompactOption.DEFAULT));
            compactedRevision = Math.max(compactedRevision, upTo);
        } catch (StorageException.Compacted alreadyDone) {
            // Someone (another API server) compacted at least this far: that is what we wanted.
            compactedRevision = Math.max(compactedRevision, alreadyDone.compactedRevision());
        }
    }

    @Override
    public long currentRevision() {
        // Every etcd response carries the store's revision in its header; a count-only read is the cheapest.
        return await(kv.get(bytes("\0"), GetOption.builder().withCountOnly(true).build())).getHeader().getRevision();
    }

    @Override
    public boolean ready(Duration timeout) {
        try {
            kv.get(bytes("\0"), GetOption.builder().withCountOnly(true).build())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        client.close();
    }

    // tag::await[]
    /**
     * Waits for an etcd request, at most {@code requestTimeout}, and turns what can go wrong
     * into the store's exceptions: no answer or no connection is Unavailable, a compacted
     * revision is Compacted, a revision in the future is the caller's mistake.
     */
    <T> T await(CompletableFuture<T> request) {
        try {
            T answer = request.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            answered = true;
            return answer;
        } catch (TimeoutException e) {
            request.cancel(true);
            throw new StorageException.Unavailable("etcd (" + endpoints + ") did not answer within " + timeout.toMillis()
                    + " ms" + (answered ? "" : whyNoAnswer()));
        } catch (InterruptedException e) {
            request.cancel(true);
            Thread.currentThread().interrupt();
            throw new StorageException.Unavailable("interrupted while waiting for etcd");
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        }
    }

    private RuntimeException translate(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (message.contains("required revision has been compacted")) {
            answered = true;
            return new StorageException.Compacted(-1, EtcdDiagnosis.compactedRevision(client, timeout,
                    compactedRevision));
        }
        if (message.contains("required revision is a future revision")) {
            return new IllegalArgumentException("the revision asked for is newer than etcd's: " + message);
        }
        if (cause instanceof ClosedClientException) {
            return new StorageException.Unavailable("the store is closed");
        }
        if (cause instanceof EtcdException) {
            return new StorageException.Unavailable("etcd (" + endpoints + "): " + message);
        }
        return new IllegalStateException("etcd request failed: " + cause, cause);
    }
    // end::await[]

    /** Why etcd never answered, asked once (a second client, so only on this error). */
    private synchronized String whyNoAnswer() {
        if (noAnswerReason == null) {
            noAnswerReason = EtcdDiagnosis.whyNoConnection(options).map(reason -> ": " + reason).orElse("");
        }
        return noAnswerReason;
    }

    private static Optional<io.etcd.jetcd.KeyValue> first(GetResponse response) {
        return response.getKvs().stream().findFirst();
    }

    static KeyValue toKeyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(kv.getKey().toString(UTF_8), kv.getValue().getBytes(), kv.getCreateRevision(),
                kv.getModRevision());
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, UTF_8);
    }
}
