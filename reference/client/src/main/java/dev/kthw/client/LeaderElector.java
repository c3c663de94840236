package dev.kthw.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Leader election on a Lease, as client-go's {@code leaderelection} with a LeaseLock: of
 * several copies of a component (two schedulers, for when one machine dies), exactly one
 * works at a time, and another takes over when it stops.
 *
 * <p>The lock is a {@code coordination.k8s.io/v1} Lease object. Its holder writes its
 * identity and renews {@code renewTime} every {@code retryPeriod}; the others read it
 * every {@code retryPeriod} and may take it once it has not been renewed for
 * {@code leaseDurationSeconds}. Every write is an update carrying the resourceVersion
 * just read, so when two candidates race, the API server lets one write through and
 * answers the other 409 Conflict: the store's compare-and-swap is what makes the
 * election safe, not the clocks.
 *
 * <p>Invariant: a leader that cannot renew for {@code renewDeadline} stops leading
 * ({@code onStoppedLeading}), and renewDeadline is shorter than leaseDuration, so it has
 * stopped before anyone else may take the lease. Callbacks run on the elector's thread
 * and must return quickly: start the real work on a thread of its own in
 * {@code onStartedLeading}, and stop it (or exit, as kube components do) in
 * {@code onStoppedLeading}. Once it has stopped leading, the elector is finished; a new
 * one is needed to stand again.
 *
 * <p>Simpler than client-go: expiry is judged from the lease's own renewTime against our
 * clock, so clocks must roughly agree (client-go instead times how long it has watched
 * the record unchanged, which needs no shared clock but makes a newcomer wait a full
 * leaseDuration even for a long-dead holder); no jitter on retries; no OnNewLeader
 * callback ({@link #leader()} says who holds it); onStoppedLeading is called only after
 * having led (client-go calls it whenever Run returns).
 */
public final class LeaderElector implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaderElector.class.getName());
    /** Kubernetes' MicroTime: RFC 3339 with exactly six decimals, in UTC. */
    public static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * @param leaseDuration how long a lease holds after its last renewal (kube-scheduler: 15 s)
     * @param renewDeadline how long a leader keeps trying to renew before it gives up (10 s)
     * @param retryPeriod   how often candidates try, and leaders renew (2 s)
     */
    public record Config(String namespace, String name, String identity, Duration leaseDuration,
                         Duration renewDeadline, Duration retryPeriod) {

        public Config {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(identity, "identity");
            if (identity.isEmpty()) {
                throw new IllegalArgumentException("a candidate needs an identity");
            }
            if (leaseDuration.compareTo(Duration.ofSeconds(1)) < 0 || leaseDuration.compareTo(renewDeadline) <= 0
                    || renewDeadline.compareTo(retryPeriod) <= 0 || retryPeriod.isNegative() || retryPeriod.isZero()) {
                throw new IllegalArgumentException("need leaseDuration (at least 1 s) > renewDeadline > retryPeriod > 0,"
                        + " got " + leaseDuration + ", " + renewDeadline + ", " + retryPeriod);
            }
        }

        /** The durations kube-scheduler and kube-controller-manager use: 15 s, 10 s, 2 s. */
        public static Config of(String namespace, String name, String identity) {
            return new Config(namespace, name, identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
                    Duration.ofSeconds(2));
        }

        public Config withDurations(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
            return new Config(namespace, name, identity, leaseDuration, renewDeadline, retryPeriod);
        }
    }

    /** What the component does when it becomes leader and when it stops being one. */
    public interface Callbacks {
        void onStartedLeading();

        void onStoppedLeading();
    }

    private final KubeClient client;
    private final Config config;
    private final Clock clock;
    private final Callbacks callbacks;
    private final String path;
    private final Thread thread;
    /** Opened by release(): ends the pauses and the loops. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Written by the elector's thread only. */
    private volatile boolean leading;
    private volatile String observedLeader = "";
    private volatile boolean started;

    public LeaderElector(KubeClient client, Config config, Clock clock, Callbacks callbacks) {
        this.client = Objects.requireNonNull(client, "client");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
        this.path = "/apis/coordination.k8s.io/v1/namespaces/" + config.namespace() + "/leases/" + config.name();
        this.thread = new Thread(this::run, "leader-elector " + config.name());
        thread.setDaemon(true);
    }

    /** Stands for election, on the elector's own (daemon) thread. */
    public void start() {
        if (started) {
            throw new IllegalStateException("the elector is already started");
        }
        started = true;
        thread.start();
    }

    /** Whether this candidate holds the lease now. */
    public boolean isLeader() {
        return leading;
    }

    /** The holder this candidate last saw on the lease ("" for none yet). */
    public String leader() {
        return observedLeader;
    }

    /**
     * Clean shutdown: stops standing, and if leading, gives the lease up (an empty holder)
     * so that a standby takes over at its next try instead of waiting for the lease to
     * expire. Waits for onStoppedLeading to have run.
     */
    public void release() {
        stopped.countDown();
        if (started && Thread.currentThread() != thread) {
            try {
                thread.join(config.renewDeadline().plus(client.timeout()).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        release();
    }

    // --- the election ---

    private void run() {
        try {
            if (!acquire()) {
                return;
            }
            leading = true;
            LOG.info(() -> config.identity() + " leads " + path);
            call(callbacks::onStartedLeading);
            renewUntilLost();
        } finally {
            if (leading) {
                if (stopping()) {
                    giveUp();
                }
                leading = false;
                call(callbacks::onStoppedLeading);
            }
        }
    }

    /** Tries every retryPeriod until the lease is ours; false if released first. */
    private boolean acquire() {
        while (!stopping()) {
            if (tryAcquireOrRenew(min(client.timeout(), config.renewDeadline()))) {
                return true;
            }
            pause(config.retryPeriod());
        }
        return false;
    }

    /** Renews every retryPeriod; returns when released, or when no renewal succeeded for renewDeadline. */
    private void renewUntilLost() {
        Instant lastRenewal = clock.instant();
        while (!pause(config.retryPeriod())) {
            Duration left = config.renewDeadline().minus(Duration.between(lastRenewal, clock.instant()));
            // Each try may use half of what is left, so a hung request cannot keep us leading past the deadline.
            Duration perTry = left.dividedBy(2);
            if (perTry.toMillis() >= 1 && tryAcquireOrRenew(perTry)) {
                lastRenewal = clock.instant();
            } else if (!Duration.between(lastRenewal, clock.instant()).minus(config.renewDeadline()).isNegative()) {
                LOG.warning(() -> config.identity() + " could not renew " + path + " for " + config.renewDeadline()
                        + ": it stops leading");
                return;
            }
        }
    }

    // tag::try-acquire-or-renew[]
    /**
     * One round, as client-go's tryAcquireOrRenew: read the lease; create it if there is
     * none; leave it if another holder's is still valid; otherwise write ourselves in as
     * holder, over the version we read. True if the lease is ours now.
     */
    private boolean tryAcquireOrRenew(Duration timeout) {
        KubeClient api = client.withTimeout(timeout);
        Instant now = clock.instant();
        try {
            ObjectNode lease;
            try {
                lease = api.get(path);
            } catch (ApiException e) {
                if (e.code() != 404) {
                    throw e;
                }
                api.create(path.substring(0, path.lastIndexOf('/')), newLease(now));
                observedLeader = config.identity();
                return true;
            }
            JsonNode spec = lease.path("spec");
            String holder = spec.path("holderIdentity").asText("");
            observedLeader = holder;
            boolean ours = holder.equals(config.identity());
            if (!holder.isEmpty() && !ours && !expired(spec, now)) {
                return false;   // someone else holds a valid lease
            }
            int transitions = spec.path("leaseTransitions").asInt(0);
            ObjectNode next = (ObjectNode) lease.deepCopy().set("spec", spec(
                    ours ? spec.path("acquireTime").asText(MICRO_TIME.format(now)) : MICRO_TIME.format(now),
                    now, ours ? transitions : transitions + 1));
            api.update(path, next);   // carries the resourceVersion we read: 409 if anyone wrote since
            observedLeader = config.identity();
            return true;
        } catch (ApiException e) {
            if (e.code() != 409) {   // 409: another candidate wrote first, which is how an election is lost
                LOG.warning(() -> config.identity() + ": " + path + ": " + e.getMessage());
            }
            return false;
        } catch (RuntimeException e) {   // unreachable, timed out: try again next round
            LOG.log(Level.WARNING, config.identity() + ": " + path + ": " + e.getMessage());
            return false;
        }
    }

    /** A holder's lease is expired once renewTime + leaseDurationSeconds has passed. */
    private static boolean expired(JsonNode spec, Instant now) {
        try {
            Instant renewed = Instant.parse(spec.path("renewTime").asText(""));
            return renewed.plusSeconds(spec.path("leaseDurationSeconds").asLong(0)).isBefore(now);
        } catch (DateTimeParseException e) {
            return true;   // a lease without a readable renewTime holds nobody
        }
    }
    // end::try-acquire-or-renew[]

    private ObjectNode newLease(Instant now) {
        ObjectNode lease = KubeClient.JSON.createObjectNode().put("apiVersion", "coordination.k8s.io/v1")
                .put("kind", "Lease");
        lease.putObject("metadata").put("name", config.name()).put("namespace", config.namespace());
        lease.set("spec", spec(MICRO_TIME.format(now), now, 0));
        return lease;
    }

    private ObjectNode spec(String acquireTime, Instant now, int transitions) {
        return KubeClient.JSON.createObjectNode()
                .put("holderIdentity", config.identity())
                .put("leaseDurationSeconds", (int) Math.ceil(config.leaseDuration().toMillis() / 1000.0))
                .put("acquireTime", acquireTime)
                .put("renewTime", MICRO_TIME.format(now))
                .put("leaseTransitions", transitions);
    }

    /**
     * Gives the lease up on a clean shutdown, as client-go does with ReleaseOnCancel: no
     * holder, and a one-second duration, so a standby takes it at its next try.
     */
    private void giveUp() {
        try {
            ObjectNode lease = client.get(path);
            if (!lease.path("spec").path("holderIdentity").asText("").equals(config.identity())) {
                return;   // not ours any more: nothing to give
            }
            ObjectNode spec = (ObjectNode) lease.get("spec");
            String now = MICRO_TIME.format(clock.instant());
            spec.put("holderIdentity", "").put("leaseDurationSeconds", 1).put("acquireTime", now).put("renewTime", now);
            client.update(path, lease);
            observedLeader = "";
            LOG.info(() -> config.identity() + " released " + path);
        } catch (RuntimeException e) {
            LOG.warning(() -> config.identity() + " could not release " + path + " (it will expire): " + e.getMessage());
        }
    }

    private void call(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, config.identity() + ": a leader election callback failed", e);
        }
    }

    private boolean stopping() {
        return stopped.getCount() == 0;
    }

    /** Waits {@code duration}, or less if released meanwhile; true if released. */
    private boolean pause(Duration duration) {
        try {
            return stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.countDown();
            return true;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
