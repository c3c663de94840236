package dev.kthw.cli;

import dev.kthw.store.ManagedEtcd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kthw etcd}: runs the real etcd (the binary on PATH) in the foreground, as one
 * member or as a cluster of three on loopback, until stopped. The API server's
 * {@code --etcd-servers} is the line it prints.
 */
@Command(name = "etcd", description = "Run etcd (chapter 02) on loopback in the foreground: one member or three.")
final class EtcdCommand implements Callable<Integer> {

    @Option(names = "--members", defaultValue = "1",
            description = "How many members: 1; 3 to survive the loss of one; 5 to survive two (default: ${DEFAULT-VALUE}).")
    int members;

    @Option(names = "--data-dir", defaultValue = "kthw.etcd",
            description = "Where the members keep their data, one directory each (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--client-port", defaultValue = "2379",
            description = "The first member's client port; the next members take +2, +4 (default: ${DEFAULT-VALUE}).")
    int clientPort;

    @Option(names = "--peer-port", defaultValue = "2380",
            description = "The first member's peer port; the next members take +2, +4 (default: ${DEFAULT-VALUE}).")
    int peerPort;

    @Option(names = "--pid-dir", paramLabel = "DIR",
            description = "Write each member's PID to DIR/etcd-member-N.pid (kthw up uses it so kthw down finds them).")
    Path pidDir;

    @Override
    public Integer call() throws Exception {
        if (members != 1 && members != 3 && members != 5) {
            throw new IllegalArgumentException("--members must be 1, 3 or 5 (an odd number: Raft needs a majority)");
        }
        ManagedEtcd etcd = ManagedEtcd.start(ManagedEtcd.Config.ports(dataDir.toAbsolutePath(), members, clientPort,
                peerPort));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            etcd.close();
            stopped.countDown();
        }));
        if (pidDir != null) {
            for (int i = 0; i < members; i++) {
                Files.writeString(pidDir.resolve("etcd-member-" + i + ".pid"), etcd.pid(i) + "\n");
            }
        }
        System.out.println("kthw etcd: " + members + " member" + (members == 1 ? "" : "s") + " healthy, data in "
                + dataDir.toAbsolutePath());
        System.out.println("kthw etcd: --etcd-servers " + etcd.endpoints());
        stopped.await();
        return 0;
    }
}
