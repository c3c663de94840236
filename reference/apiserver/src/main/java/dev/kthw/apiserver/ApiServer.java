package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.api.Status;
import dev.kthw.store.Compactor;
import dev.kthw.store.MemoryStorage;
import dev.kthw.store.Storage;
import dev.kthw.store.StorageException;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * kube-apiserver: the only door to the cluster's state. Every other component, and every
 * kubectl command, reads and writes objects here, over HTTP; only this process touches
 * the store.
 *
 * <p>Start-up, in order: the store, the registry over it, the HTTP routes, the built-in
 * namespaces and PriorityClasses, then the listener, so the first client already finds a
 * complete server. Stop closes the listener, then the store (which ends the watches).
 *
 * <p>When the store cannot be reached (etcd down), requests get 503 ServiceUnavailable
 * with a Status, never a hang or a 500, and {@code /readyz} fails; both recover by
 * themselves when etcd is back, because the etcd client reconnects.
 */
public final class ApiServer implements AutoCloseable {

    /**
     * The settings kube-apiserver would take as flags.
     *
     * @param bindAddress  where to listen ({@code --bind-address})
     * @param port         the plain-HTTP port ({@code --port}; 0 picks a free one)
     * @param etcdPrefix   the key prefix in the store ({@code --etcd-prefix})
     * @param serviceClusterIPRange the CIDR Services' cluster IPs come from
     *                     ({@code --service-cluster-ip-range}; kubeadm's 10.96.0.0/12 by default)
     * @param serviceNodePortRange  the ports NodePort Services get ({@code --service-node-port-range})
     * @param compactionInterval how often old revisions are compacted ({@code --etcd-compaction-interval}; 0: never)
     * @param eventTtl     how long Events live ({@code --event-ttl})
     */
    public record Config(String bindAddress, int port, String etcdPrefix, String serviceClusterIPRange,
                         String serviceNodePortRange, Duration compactionInterval, Duration eventTtl) {
        public Config {
            Objects.requireNonNull(bindAddress, "bindAddress");
            Objects.requireNonNull(etcdPrefix, "etcdPrefix");
            Objects.requireNonNull(serviceClusterIPRange, "serviceClusterIPRange");
            Objects.requireNonNull(serviceNodePortRange, "serviceNodePortRange");
            Objects.requireNonNull(compactionInterval, "compactionInterval");
            Objects.requireNonNull(eventTtl, "eventTtl");
        }

        /** kube-apiserver's defaults: kubeadm's Service ranges, compaction every 5 minutes, Events kept an hour. */
        public Config(String bindAddress, int port, String etcdPrefix) {
            this(bindAddress, port, etcdPrefix, ServiceAllocator.DEFAULT_CLUSTER_IP_RANGE,
                    ServiceAllocator.DEFAULT_NODE_PORT_RANGE, Duration.ofMinutes(5), Duration.ofHours(1));
        }

        public static Config defaults() {
            return new Config("127.0.0.1", 8080, "/registry");
        }
    }

    /** How long {@code /readyz} waits for the store: kube-apiserver's {@code --etcd-healthcheck-timeout}. */
    static final Duration STORE_CHECK_TIMEOUT = Duration.ofSeconds(2);

    /** The namespaces every cluster has; kube-apiserver's bootstrap controller creates them too. */
    static final List<String> SYSTEM_NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final Storage storage;
    private final Javalin app;
    private final Registry registry;
    private final String host;
    private final List<Runnable> stopOnClose;   // what runs beside the HTTP server, stopped in this order

    private ApiServer(Storage storage, Javalin app, Registry registry, String host, List<Runnable> stopOnClose) {
        this.storage = storage;
        this.app = app;
        this.registry = registry;
        this.host = host;
        this.stopOnClose = stopOnClose;
    }

    /** Starts an API server over {@code storage}; it owns the store from now on and closes it. */
    public static ApiServer start(Config config, Storage store, Clock clock) {
        Storage storage = new EventExpiry(store, config.etcdPrefix(), config.eventTtl()); // Events get a TTL
        String prefix = config.etcdPrefix().replaceAll("/+$", "");
        NamespaceLifecycle namespaces = new NamespaceLifecycle(storage,             // admission, from a watch
                prefix + "/namespaces/");
        PriorityAdmission priority = new PriorityAdmission(storage,                 // admission, from a watch
                prefix + "/priorityclasses/");
        Registry registry = new Registry(storage, clock, config.etcdPrefix(),        // objects over the store
                config.serviceClusterIPRange(), config.serviceNodePortRange(), namespaces);
        Registry dryRun = new Registry(new DryRunStorage(storage), clock, config.etcdPrefix(),  // ?dryRun=All
                config.serviceClusterIPRange(), config.serviceNodePortRange(), namespaces);
        Handlers handlers = new Handlers(registry, dryRun, priority, clock);        // REST over the registry
        Javalin app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.http.disableCompression();                  // watch streams must flush as they go
            c.http.maxRequestSize = Handlers.MAX_BODY + 1;
            c.http.asyncTimeout = 0;                      // a watch lasts as long as its timeoutSeconds
            c.jetty.threadPool = threadPool();            // requests; open watches hold no thread
        });
        String address = config.bindAddress() + ":" + config.port();
        // tag::store-unavailable[]
        app.before("/readyz", ctx -> storeCheck(ctx, storage));   // not ready while the store is unreachable
        handlers.register(app, address);
        app.exception(StorageException.Unavailable.class, (e, ctx) ->  // etcd down: 503, the client retries
                Handlers.json(ctx, 503, Status.failure(503, "ServiceUnavailable", e.getMessage(), null)));
        // end::store-unavailable[]
        String host = config.bindAddress().equals("0.0.0.0") ? "127.0.0.1" : config.bindAddress();
        Compactor compactor = new Compactor(storage, config.compactionInterval()); // old revisions go, periodically
        ApiServer server = new ApiServer(storage, app, registry, host,
                List.of(compactor::close, handlers::close, namespaces::close, priority::close));
        try {
            server.createSystemObjects();                 // default, kube-system, ..., the system PriorityClasses
            app.start(config.bindAddress(), config.port());                         // listen
        } catch (RuntimeException e) {                    // no store (etcd unreachable), or the port is taken
            server.close();
            throw e;
        }
        return server;
    }

    // tag::store-check[]
    /**
     * kube-apiserver's readiness includes an etcd check: a load balancer should not send
     * requests to an API server that cannot reach its store. Answers as kube-apiserver
     * does, one line per failed check.
     */
    private static void storeCheck(io.javalin.http.Context ctx, Storage storage) {
        if (!storage.ready(STORE_CHECK_TIMEOUT)) {
            ctx.status(500).contentType("text/plain").result("[-]etcd failed: the store did not answer within "
                    + STORE_CHECK_TIMEOUT.toSeconds() + "s\nreadyz check failed\n");
            ctx.skipRemainingHandlers();
        }
    }
    // end::store-check[]

    /** An API server on the in-memory store, as {@code --storage-backend=memory} starts it. */
    public static ApiServer startInMemory(Config config) {
        return start(config, new MemoryStorage(), Clock.systemUTC());
    }

    public int port() {
        return app.port();
    }

    /** {@code http://127.0.0.1:PORT}: what a kubeconfig's server field points at. */
    public String url() {
        return "http://" + host + ":" + port();
    }

    /**
     * A kubeconfig for the server at {@code url}: the cluster (where the server is), a
     * user (no credentials until chapter 10), and a context pairing them, with the
     * default namespace. kubectl reads this to know where to send its requests.
     */
    public static String kubeconfig(String url) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: kthw
                  cluster:
                    server: %s
                users:
                - name: admin
                  user: {}
                contexts:
                - name: kthw
                  context:
                    cluster: kthw
                    user: admin
                    namespace: default
                current-context: kthw
                """.formatted(url);
    }

    /**
     * What every cluster has from its start: the namespaces, then the PriorityClasses of
     * system pods (kube-apiserver's bootstrap controller and a post-start hook create
     * them). An object that exists already (the store outlived an earlier server) is kept.
     */
    private void createSystemObjects() {
        ResourceType namespaces = Resources.find("", "v1", "namespaces").orElseThrow();
        for (String name : SYSTEM_NAMESPACES) {
            ObjectNode ns = Json.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
            ns.putObject("metadata").put("name", name);
            createIfAbsent(namespaces, ns);
        }
        ResourceType priorityClasses = Resources.find("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
        for (PriorityAdmission.PriorityClass c : PriorityAdmission.SYSTEM_CLASSES) {
            createIfAbsent(priorityClasses, PriorityAdmission.toObject(c));
        }
    }

    private void createIfAbsent(ResourceType type, ObjectNode object) {
        try {
            registry.create(type, null, object);
        } catch (ApiException alreadyThere) {
            if (alreadyThere.code() != 409) {
                throw alreadyThere;
            }
        }
    }

    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(250, 8, 60_000);
        pool.setName("apiserver");
        return pool;
    }

    @Override
    public void close() {
        app.stop();
        stopOnClose.forEach(Runnable::run);
        storage.close();
    }
}
