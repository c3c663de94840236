package dev.kthw.testing;

import dev.kthw.store.EtcdStorage;
import dev.kthw.store.ManagedEtcd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A real etcd for a test: the binary from PATH, on free loopback ports, its data in a
 * temporary directory that {@link #close()} removes. Without etcd the test is skipped
 * with a message, or fails when {@code KTHW_REQUIRE_PRIVILEGED=1} (CI), the same rule as
 * {@link Privileged} (etcd needs no root, only the binary).
 */
public final class RealEtcd implements AutoCloseable {

    private final Path dataDir;
    private final ManagedEtcd etcd;

    private RealEtcd(Path dataDir, ManagedEtcd etcd) {
        this.dataDir = dataDir;
        this.etcd = etcd;
    }

    /** Starts {@code members} members (1 or 3) and waits until they are healthy. */
    public static RealEtcd start(int members) throws IOException, InterruptedException {
        require();
        // A port found free can be taken by someone else before etcd binds it (any client's
        // connection may get it): then a member dies at once, and we try again on new ports.
        for (int attempt = 1; ; attempt++) {
            Path dir = Files.createTempDirectory("kthw-etcd-");
            try {
                return new RealEtcd(dir, ManagedEtcd.start(ManagedEtcd.Config.freePorts(dir, members)));
            } catch (IllegalStateException memberDied) {
                ManagedEtcd.deleteTree(dir);
                if (attempt == 3) {
                    throw memberDied;
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                ManagedEtcd.deleteTree(dir);
                throw e;
            }
        }
    }

    /** Skips the calling test without etcd on PATH, or fails it where CI requires real parts. */
    public static void require() {
        PrivilegedCondition.decide(ManagedEtcd.available() ? List.of() : List.of("etcd on PATH (apt-get install "
                + "etcd-server)"), PrivilegedCondition.requirePrivileged()).run();
    }

    public ManagedEtcd etcd() {
        return etcd;
    }

    public String endpoints() {
        return etcd.endpoints();
    }

    /** A new store on this etcd; requests give up (Unavailable) after {@code timeout}. */
    public EtcdStorage storage(Duration timeout) {
        return storage(timeout, Clock.systemUTC());
    }

    /** A new store whose leases are shared by {@code clock}'s time (see EtcdStorage's Leases). */
    public EtcdStorage storage(Duration timeout, Clock clock) {
        return new EtcdStorage(new EtcdStorage.Options(etcd.endpointList(), null, null, null, timeout), clock);
    }

    public EtcdStorage storage() {
        return storage(Duration.ofSeconds(5));
    }

    @Override
    public void close() throws IOException {
        etcd.close();
        ManagedEtcd.deleteTree(dataDir);
    }
}
