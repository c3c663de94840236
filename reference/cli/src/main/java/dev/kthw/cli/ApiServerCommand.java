package dev.kthw.cli;

import dev.kthw.apiserver.ApiServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kthw apiserver}: runs kube-apiserver in the foreground, with kube-apiserver's flag names. */
@Command(name = "apiserver", description = "Run the API server (chapter 01) in the foreground.")
final class ApiServerCommand implements Callable<Integer> {

    @Option(names = "--bind-address", defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(names = "--port", defaultValue = "8080",
            description = "The plain-HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--storage-backend", defaultValue = "memory",
            description = "Where objects are kept: memory (etcd arrives with chapter 02) (default: ${DEFAULT-VALUE}).")
    String storageBackend;

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

    @Override
    public Integer call() throws InterruptedException {
        if (!storageBackend.equals("memory")) {
            throw new IllegalArgumentException("--storage-backend " + storageBackend
                    + " is not available yet: the etcd store arrives with chapter 02; use memory");
        }
        ApiServer server = ApiServer.startInMemory(new ApiServer.Config(bindAddress, port, etcdPrefix,
                serviceClusterIPRange, serviceNodePortRange));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println("kthw apiserver: serving on " + server.url() + " (store: memory)");
        System.out.println("kthw apiserver: write a kubeconfig with 'kthw kubeconfig --server " + server.url() + "'");
        stopped.await();
        return 0;
    }
}
