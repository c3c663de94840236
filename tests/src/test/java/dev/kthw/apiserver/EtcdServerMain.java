package dev.kthw.apiserver;

import dev.kthw.store.EtcdStorage;
import java.time.Clock;

/**
 * An API server on etcd alone in its own process, so a test can kill it with SIGKILL:
 * {@code EtcdServerMain ENDPOINTS}. Prints {@code serving URL} once it listens.
 */
final class EtcdServerMain {

    private EtcdServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ApiServer server = ApiServer.start(new ApiServer.Config("127.0.0.1", 0, "/registry"),
                new EtcdStorage(EtcdStorage.Options.of(args[0].split(","))), Clock.systemUTC());
        System.out.println("serving " + server.url());
        Thread.currentThread().join();
    }
}
