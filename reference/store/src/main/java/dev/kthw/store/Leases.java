package dev.kthw.store;

import io.etcd.jetcd.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * etcd leases for keys with a TTL, shared the way kube-apiserver's lease manager shares
 * them: granting a lease per Event would be one more Raft write per Event, so keys
 * created within a short window share one lease, granted a little longer than the TTL
 * (the window: 5% of the TTL, at most a minute). A key so lives between TTL and TTL plus
 * the window, never less.
 *
 * <p>Two clocks: etcd counts a lease's TTL down on its own; the injected {@link Clock}
 * only decides when a lease is too old to share, so a test can step through the window.
 *
 * <p>Thread-safe: callers hold this object's lock while a lease is chosen (or granted).
 */
final class Leases {

    private static final Duration MAX_REUSE = Duration.ofMinutes(1);

    /** A granted lease: its id and until when a key put now still lives at least the TTL. */
    private record Granted(long id, Instant reusableUntil) {
    }

    private final Lease client;
    private final Function<CompletableFuture<io.etcd.jetcd.lease.LeaseGrantResponse>,
            io.etcd.jetcd.lease.LeaseGrantResponse> await;
    private final Clock clock;
    /** The current lease per TTL in seconds. Guarded by {@code this}. */
    private final Map<Long, Granted> current = new HashMap<>();

    /** Leases granted through {@code client}; {@code clock} says when a lease is too old to share. */
    Leases(Lease client, Function<CompletableFuture<io.etcd.jetcd.lease.LeaseGrantResponse>,
            io.etcd.jetcd.lease.LeaseGrantResponse> await, Clock clock) {
        this.client = client;
        this.await = await;
        this.clock = clock;
    }

    // tag::lease-for[]
    /** A lease that keeps a key put now for at least {@code ttl} (rounded up to whole seconds). */
    synchronized long leaseFor(Duration ttl) {
        long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
        Instant now = clock.instant();
        Granted lease = current.get(seconds);
        if (lease != null && now.isBefore(lease.reusableUntil())) {
            return lease.id();
        }
        long window = Math.min(MAX_REUSE.toSeconds(), seconds / 20);
        long id = await.apply(client.grant(seconds + window)).getID();
        current.put(seconds, new Granted(id, now.plusSeconds(window)));
        return id;
    }
    // end::lease-for[]
}
