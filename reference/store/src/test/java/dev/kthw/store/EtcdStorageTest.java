package dev.kthw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.LeaseOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The etcd store keeps the same contract as the memory store (chapter 02), proved on a
 * real etcd: the binary from PATH, one member on free loopback ports, data in a temporary
 * directory. Without etcd the class is skipped with a message, or fails when
 * {@code KTHW_REQUIRE_PRIVILEGED=1} (CI), so a CI run cannot pass by skipping it.
 */
class EtcdStorageTest extends StorageContract {

    static Path dataDir;
    static ManagedEtcd etcd;

    @BeforeAll
    static void startEtcd() throws Exception {
        requireEtcd();
        dataDir = Files.createTempDirectory("kthw-etcd-test");
        etcd = ManagedEtcd.start(ManagedEtcd.Config.freePorts(dataDir, 1));
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
        if (dataDir != null) {
            ManagedEtcd.deleteTree(dataDir);
        }
    }

    /** Skip without etcd, unless CI says every real-part test must run. */
    static void requireEtcd() {
        if (ManagedEtcd.available()) {
            return;
        }
        String reason = "needs etcd on PATH (Debian: apt-get install etcd-server)";
        if ("1".equals(System.getenv("KTHW_REQUIRE_PRIVILEGED"))) {
            throw new IllegalStateException("cannot run: " + reason
                    + " (KTHW_REQUIRE_PRIVILEGED=1 turns this skip into a failure)");
        }
        Assumptions.abort("skipped: " + reason);
    }

    /** A store over an emptied etcd: every test starts from no keys, as with a new MemoryStorage. */
    @Override
    Storage newStorage() {
        try (Client client = Client.builder().endpoints(etcd.endpoints()).build()) {
            ByteSequence all = ByteSequence.from(new byte[] {0});
            client.getKVClient().delete(all, DeleteOption.builder().withRange(all).build()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new EtcdStorage(EtcdStorage.Options.of(etcd.endpoints()));
    }

    /**
     * jetcd would hand each request to a pool of its own threads ("jetcd-..."), one more
     * wake-up per request; the store runs them in the caller's thread instead (see
     * {@code EtcdStorage.connect}). No such thread may appear while the store works.
     */
    @Test
    void requestsLeaveFromTheCallersThreadNotFromAJetcdPool() {
        java.util.Set<Long> before = jetcdPoolThreads();
        store.create("/registry/pods/default/a", bytes("{}"));
        KeyValue stored = store.get("/registry/pods/default/a").orElseThrow();
        store.update("/registry/pods/default/a", stored.modRevision(), bytes("{\"x\":1}"));
        store.list("/registry/pods/", 0, null, 0);
        store.delete("/registry/pods/default/a", 0);
        assertThat(jetcdPoolThreads()).isSubsetOf(before);
    }

    private static java.util.Set<Long> jetcdPoolThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("jetcd-"))
                .map(Thread::getId).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void valuesAreStoredAsGivenSoEtcdctlPrintsThem() throws Exception {
        store.create("/registry/configmaps/default/c", bytes("{\"kind\":\"ConfigMap\"}"));
        Process etcdctl = new ProcessBuilder("etcdctl", "--endpoints", etcd.endpoints(), "get",
                "/registry/configmaps/default/c", "--print-value-only")
                .redirectErrorStream(true).start();
        etcdctl.getOutputStream().close();
        String out = new String(etcdctl.getInputStream().readAllBytes()).strip();
        assertThat(etcdctl.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeTrue(etcdctl.exitValue() != 127, "etcdctl missing");
        assertThat(out).isEqualTo("{\"kind\":\"ConfigMap\"}");
    }

    @Test
    void aKeyWithATtlIsDeletedByEtcdAndWatchersSeeTheDelete() throws Exception {
        try (Watch watch = store.watch("/registry/events/", 0)) {
            KeyValue event = store.create("/registry/events/default/e1", bytes("e"), Duration.ofSeconds(1));
            store.update(event.key(), event.modRevision(), bytes("e2"));
            assertThat(watch.next(WAIT)).isInstanceOf(WatchEvent.Put.class);
            assertThat(watch.next(WAIT)).isInstanceOf(WatchEvent.Put.class);
            // etcd checks leases about every 500 ms; the update kept the lease.
            WatchEvent gone = watch.next(Duration.ofSeconds(10));
            assertThat(gone).isInstanceOfSatisfying(WatchEvent.Delete.class,
                    d -> assertThat(text(d.previous())).isEqualTo("e2"));
        }
        assertThat(store.get("/registry/events/default/e1")).isEmpty();
    }

    @Test
    void aStoppedEtcdIsUnavailableNotAHangAndTheStoreRecoversWhenItReturns() throws Exception {
        EtcdStorage quick = new EtcdStorage(new EtcdStorage.Options(etcd.endpointList(), null, null, null,
                Duration.ofSeconds(1)));
        try (quick) {
            quick.create("/down/a", bytes("1"));
            etcd.stop(0);
            try {
                long start = System.nanoTime();
                assertThatThrownBy(() -> quick.get("/down/a")).isInstanceOf(StorageException.Unavailable.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                assertThat(quick.ready(Duration.ofMillis(500))).isFalse();
            } finally {
                etcd.restart(0);
            }
            assertThat(text(quick.get("/down/a").orElseThrow())).as("the write before the outage survived").isEqualTo("1");
            assertThat(quick.ready(Duration.ofSeconds(2))).isTrue();
        }
    }

    @Test
    void a410NamesTheRevisionEtcdCompactedToEvenWhenAnotherClientCompacted() {
        store.create("/gone/a", bytes("1"));
        long old = store.currentRevision();
        store.update("/gone/a", 0, bytes("2"));
        store.update("/gone/a", 0, bytes("3"));
        long compactedTo = store.currentRevision();

        try (EtcdStorage other = new EtcdStorage(EtcdStorage.Options.of(etcd.endpoints()))) {
            other.compact(compactedTo);    // another API server's compactor, say
        }

        assertThatThrownBy(() -> store.watch("/gone/", old)).isInstanceOfSatisfying(StorageException.Compacted.class,
                c -> assertThat(c.compactedRevision()).as("etcd's compact revision, not this store's 0")
                        .isEqualTo(compactedTo));
    }

    @Test
    void anUpdateWithATtlPutsTheKeyOnALeaseForAFullTtlFromNowAndAZeroTtlOnNone() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (EtcdStorage timed = new EtcdStorage(EtcdStorage.Options.of(etcd.endpoints()), clock);
             Client client = Client.builder().endpoints(etcd.endpoints()).build()) {
            KeyValue created = timed.create("/registry/events/default/e", bytes("1"), Duration.ofHours(1));
            long first = leaseOf(client, created.key());
            clock.advance(Duration.ofMinutes(2));     // past the minute in which keys share a lease

            timed.update(created.key(), 0, bytes("2"), Duration.ofHours(1));
            long renewed = leaseOf(client, created.key());
            timed.update(created.key(), 0, bytes("3"));
            long kept = leaseOf(client, created.key());
            timed.update(created.key(), 0, bytes("4"), Duration.ZERO);

            assertThat(first).isNotZero();
            assertThat(renewed).as("a lease granted now, not the creation's").isNotZero().isNotEqualTo(first);
            assertThat(client.getLeaseClient().timeToLive(renewed, LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS)
                    .getGrantedTTL()).as("an hour and the sharing window").isEqualTo(3660);
            assertThat(kept).as("an update without a TTL keeps the lease").isEqualTo(renewed);
            assertThat(leaseOf(client, created.key())).as("a zero TTL: no lease, no expiry").isZero();
        }
    }

    @Test
    void keysShareALeaseWithinTheWindowOfTheInjectedClockAndGetANewOneAfter() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (Client client = Client.builder().endpoints(etcd.endpoints()).build()) {
            Leases leases = new Leases(client.getLeaseClient(), grant -> grant.join(), clock);

            long first = leases.leaseFor(Duration.ofHours(1));
            clock.advance(Duration.ofSeconds(59));
            long withinTheWindow = leases.leaseFor(Duration.ofHours(1));
            clock.advance(Duration.ofSeconds(1));
            long afterIt = leases.leaseFor(Duration.ofHours(1));
            long otherTtl = leases.leaseFor(Duration.ofSeconds(20));

            assertThat(withinTheWindow).as("5% of an hour, at most a minute: shared").isEqualTo(first);
            assertThat(afterIt).isNotEqualTo(first);
            assertThat(otherTtl).as("each TTL has leases of its own").isNotIn(first, afterIt);
            assertThat(client.getLeaseClient().timeToLive(otherTtl, LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS)
                    .getGrantedTTL()).as("20 s and a window of 1 s").isEqualTo(21);
        }
    }

    private static long leaseOf(Client client, String key) throws Exception {
        return client.getKVClient().get(ByteSequence.from(key, java.nio.charset.StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS).getKvs().get(0).getLease();
    }
}
