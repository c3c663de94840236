package dev.kthw.cli;

import dev.kthw.apiserver.ApiServer;
import dev.kthw.store.EtcdStorage;
import dev.kthw.store.MemoryStorage;
import dev.kthw.store.Storage;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kthw apiserver}: runs kube-apiserver in the foreground, with kube-apiserver's flag names. */
@Command(name = "apiserver", description = "Run the API server (chapters 01 and 02) in the foreground.")
final class ApiServerCommand implements Callable<Integer> {

    @Option(names = "--bind-address", defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(names = "--port", defaultValue = "8080",
            description = "The plain-HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--storage-backend", defaultValue = "memory",
            description = "Where objects are kept: memory or etcd (default: ${DEFAULT-VALUE}).")
    String storageBackend;

    @Option(names = "--etcd-servers", split = ",", paramLabel = "URL",
            description = "The etcd members to use, comma-separated, e.g. http://127.0.0.1:2379.")
    String[] etcdServers;

    @Option(names = "--etcd-prefix", defaultValue = "/registry",
            description = "The prefix of every key in the store (default: ${DEFAULT-VALUE}).")
    String etcdPrefix;

    @Option(names = "--service-cluster-ip-range", defaultValue = "10.96.0.0/12",
            description = "The IPv4 CIDR Services' cluster IPs are allocated from; kubeadm's default "
                    + "(default: ${DEFAULT-VALUE}).")
    String serviceClusterIPRange;

    @Option(names = "--service-node-port-range", defaultValue = "30000-32767",
            description = "The ports NodePort and LoadBalancer Services get on every node (default: ${DEFAULT-VALUE}).")
    String serviceNodePortRange;

    @Option(names = "--etcd-cafile", paramLabel = "FILE", description = "The CA bundle that signed etcd's certificate.")
    String etcdCaFile;

    @Option(names = "--etcd-certfile", paramLabel = "FILE", description = "The client certificate for etcd.")
    String etcdCertFile;

    @Option(names = "--etcd-keyfile", paramLabel = "FILE", description = "The client certificate's key (PKCS#8 PEM).")
    String etcdKeyFile;

    @Option(names = "--etcd-compaction-interval", defaultValue = "5m", converter = GoDuration.class,
            description = "How often old revisions are compacted; 0 never (default: ${DEFAULT-VALUE}).")
    Duration compactionInterval;

    @Option(names = "--event-ttl", defaultValue = "1h", converter = GoDuration.class,
            description = "How long Events are kept (default: ${DEFAULT-VALUE}).")
    Duration eventTtl;

    @Option(names = "--etcd-request-timeout", defaultValue = "5s", converter = GoDuration.class,
            description = "The longest a request waits for etcd before the API server answers 503 "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration etcdRequestTimeout;

    @Override
    public Integer call() throws InterruptedException {
        Storage storage = storage();
        ApiServer server = ApiServer.start(new ApiServer.Config(bindAddress, port, etcdPrefix, serviceClusterIPRange,
                serviceNodePortRange, compactionInterval, eventTtl), storage, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        String where = storageBackend.equals("etcd") ? "etcd at " + String.join(",", etcdServers) : "memory";
        System.out.println("kthw apiserver: serving on " + server.url() + " (store: " + where + ")");
        System.out.println("kthw apiserver: write a kubeconfig with 'kthw kubeconfig --server " + server.url() + "'");
        stopped.await();
        return 0;
    }

    /** The store the flags ask for; a clear error for what they get wrong. */
    private Storage storage() {
        switch (storageBackend) {
            case "memory":
                return new MemoryStorage();
            case "etcd", "etcd3":
                if (etcdServers == null || etcdServers.length == 0) {
                    throw new IllegalArgumentException("--storage-backend etcd needs --etcd-servers, e.g. "
                            + "--etcd-servers http://127.0.0.1:2379 (start one with 'kthw etcd')");
                }
                if ((etcdCertFile == null) != (etcdKeyFile == null)) {
                    throw new IllegalArgumentException("--etcd-certfile and --etcd-keyfile go together");
                }
                if (etcdCertFile != null && etcdCaFile == null) {
                    throw new IllegalArgumentException("--etcd-certfile needs --etcd-cafile too");
                }
                for (String url : etcdServers) {
                    if (!url.matches("https?://[^/\\s]+(:\\d+)?/?")) {
                        throw new IllegalArgumentException("--etcd-servers: '" + url + "' is not a URL such as "
                                + "http://127.0.0.1:2379");
                    }
                }
                return new EtcdStorage(new EtcdStorage.Options(Arrays.asList(etcdServers), etcdCaFile, etcdCertFile,
                        etcdKeyFile, etcdRequestTimeout));
            default:
                throw new IllegalArgumentException("--storage-backend must be memory or etcd, not '" + storageBackend
                        + "'");
        }
    }
}
