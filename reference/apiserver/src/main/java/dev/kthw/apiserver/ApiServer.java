package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.store.MemoryStorage;
import dev.kthw.store.Storage;
import io.javalin.Javalin;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * kube-apiserver: the only door to the cluster's state. Every other component, and every
 * kubectl command, reads and writes objects here, over HTTP; only this process touches
 * the store.
 *
 * <p>Start-up, in order: the store, the registry over it, the HTTP routes, the built-in
 * namespaces, then the listener, so the first client already finds a complete server. Stop closes the listener, then the store (which ends the
 * watches).
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
     */
    public record Config(String bindAddress, int port, String etcdPrefix, String serviceClusterIPRange,
                         String serviceNodePortRange) {
        public Config {
            Objects.requireNonNull(bindAddress, "bindAddress");
            Objects.requireNonNull(etcdPrefix, "etcdPrefix");
            Objects.requireNonNull(serviceClusterIPRange, "serviceClusterIPRange");
            Objects.requireNonNull(serviceNodePortRange, "serviceNodePortRange");
        }

        /** The default Service ranges. */
        public Config(String bindAddress, int port, String etcdPrefix) {
            this(bindAddress, port, etcdPrefix, ServiceAllocator.DEFAULT_CLUSTER_IP_RANGE,
                    ServiceAllocator.DEFAULT_NODE_PORT_RANGE);
        }

        public static Config defaults() {
            return new Config("127.0.0.1", 8080, "/registry");
        }
    }

    /** The namespaces every cluster has; kube-apiserver's bootstrap controller creates them too. */
    static final List<String> SYSTEM_NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final Storage storage;
    private final Javalin app;
    private final Registry registry;
    private final Handlers handlers;
    private final String host;

    private ApiServer(Storage storage, Javalin app, Registry registry, Handlers handlers, String host) {
        this.storage = storage;
        this.app = app;
        this.registry = registry;
        this.handlers = handlers;
        this.host = host;
    }

    /** Starts an API server over {@code storage}; it owns the store from now on and closes it. */
    public static ApiServer start(Config config, Storage storage, Clock clock) {
        Registry registry = new Registry(storage, clock, config.etcdPrefix(),        // objects over the store
                config.serviceClusterIPRange(), config.serviceNodePortRange());
        Registry dryRun = new Registry(new DryRunStorage(storage), clock, config.etcdPrefix(),  // ?dryRun=All
                config.serviceClusterIPRange(), config.serviceNodePortRange());
        Handlers handlers = new Handlers(registry, dryRun, clock);                  // REST over the registry
        Javalin app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.http.disableCompression();                  // watch streams must flush as they go
            c.http.maxRequestSize = Handlers.MAX_BODY + 1;
            c.http.asyncTimeout = 0;                      // a watch lasts as long as its timeoutSeconds
            c.jetty.threadPool = threadPool();            // requests; open watches hold no thread
        });
        String address = config.bindAddress() + ":" + config.port();
        handlers.register(app, address);
        String host = config.bindAddress().equals("0.0.0.0") ? "127.0.0.1" : config.bindAddress();
        ApiServer server = new ApiServer(storage, app, registry, handlers, host);
        server.createSystemNamespaces();                  // default, kube-system, ... before anyone can ask
        app.start(config.bindAddress(), config.port());                             // listen
        return server;
    }

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

    private void createSystemNamespaces() {
        ResourceType namespaces = Resources.find("", "v1", "namespaces").orElseThrow();
        for (String name : SYSTEM_NAMESPACES) {
            ObjectNode ns = Json.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
            ns.putObject("metadata").put("name", name);
            try {
                registry.create(namespaces, null, ns);
            } catch (ApiException alreadyThere) {
                if (alreadyThere.code() != 409) {
                    throw alreadyThere;
                }
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
        handlers.close();
        storage.close();
    }
}
