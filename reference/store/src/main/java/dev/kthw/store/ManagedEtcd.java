package dev.kthw.store;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The real etcd binary (from PATH), run as one member or as a cluster of members on
 * loopback, each with its own data directory under {@code dataDir}: what {@code kthw etcd}
 * and {@code kthw up} run, and what the tests run against.
 *
 * <p>Every member gets {@code --name}, its client and peer URLs, and the same
 * {@code --initial-cluster} listing all members, so they find each other and elect a
 * leader by Raft. A cluster of three survives the loss of any one member: two of three
 * are still a majority, so writes go on once a new leader is elected.
 *
 * <p>Processes are ours: they are stopped by their PID ({@link #stop(int)}, {@link #kill(int)}),
 * never by name. Only loopback addresses are used.
 *
 * <p>Simpler than a production etcd: plain HTTP between members and to clients (TLS
 * arrives in chapter 10), and a fixed cluster (no member add/remove).
 */
public final class ManagedEtcd implements AutoCloseable {

    /**
     * @param dataDir     where each member's data directory ({@code member-N}) and log go
     * @param clientPorts one client port per member (2379 is etcd's default)
     * @param peerPorts   one peer (Raft) port per member (2380 is etcd's default)
     */
    public record Config(Path dataDir, List<Integer> clientPorts, List<Integer> peerPorts) {
        public Config {
            Objects.requireNonNull(dataDir, "dataDir");
            clientPorts = List.copyOf(clientPorts);
            peerPorts = List.copyOf(peerPorts);
            if (clientPorts.isEmpty() || clientPorts.size() != peerPorts.size()) {
                throw new IllegalArgumentException("one client port and one peer port per member");
            }
        }

        /** {@code members} members from etcd's default ports up: 2379/2380, 2381/2382, ... */
        public static Config ports(Path dataDir, int members, int firstClientPort, int firstPeerPort) {
            List<Integer> client = new ArrayList<>();
            List<Integer> peer = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                client.add(firstClientPort + 2 * i);
                peer.add(firstPeerPort + 2 * i);
            }
            return new Config(dataDir, client, peer);
        }

        /** {@code members} members on free loopback ports: for tests. */
        public static Config freePorts(Path dataDir, int members) throws IOException {
            // All sockets stay open until every port is chosen, so no port is handed out twice.
            List<ServerSocket> held = new ArrayList<>();
            try {
                List<Integer> client = new ArrayList<>();
                List<Integer> peer = new ArrayList<>();
                for (int i = 0; i < members; i++) {
                    client.add(hold(held));
                    peer.add(hold(held));
                }
                return new Config(dataDir, client, peer);
            } finally {
                for (ServerSocket socket : held) {
                    socket.close();
                }
            }
        }

        int members() {
            return clientPorts.size();
        }
    }

    private final Config config;
    /** The member processes, by index; null while a member is stopped. Guarded by {@code this}. */
    private final Process[] processes;

    private ManagedEtcd(Config config) {
        this.config = config;
        this.processes = new Process[config.members()];
    }

    /** Whether an {@code etcd} binary is on PATH. */
    public static boolean available() {
        return executable().isPresent();
    }

    private static java.util.Optional<Path> executable() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "etcd"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts every member and waits until the cluster is healthy (has a leader). */
    public static ManagedEtcd start(Config config) throws IOException, InterruptedException {
        if (!available()) {
            throw new IllegalStateException("no etcd binary on PATH: install it (Debian: apt-get install etcd-server)");
        }
        ManagedEtcd etcd = new ManagedEtcd(config);
        try {
            for (int i = 0; i < config.members(); i++) {
                etcd.launch(i);
            }
            for (int i = 0; i < config.members(); i++) {
                etcd.awaitHealthy(i, Duration.ofSeconds(30));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            etcd.close();
            throw e;
        }
        return etcd;
    }

    private synchronized void launch(int member) throws IOException {
        Path dir = config.dataDir().resolve("member-" + member);
        Files.createDirectories(dir);
        // A member that has data already rejoins with it; a new one bootstraps the cluster.
        boolean existing = Files.isDirectory(dir.resolve("member"));
        // tag::etcd-flags[]
        List<String> command = List.of(executable().orElseThrow().toString(),
                "--name", name(member),
                "--data-dir", dir.toString(),
                "--listen-client-urls", clientUrl(member),
                "--advertise-client-urls", clientUrl(member),
                "--listen-peer-urls", peerUrl(member),
                "--initial-advertise-peer-urls", peerUrl(member),
                "--initial-cluster", initialCluster(),
                "--initial-cluster-state", existing ? "existing" : "new",
                "--initial-cluster-token", "kthw-etcd-" + config.clientPorts().get(0),
                // etcd's own defaults, spelled out: a heartbeat every 100 ms, a new election after 1 s of silence.
                "--heartbeat-interval", "100",
                "--election-timeout", "1000");
        // end::etcd-flags[]
        processes[member] = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(config.dataDir().resolve(name(member) + ".log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    /** Waits until member {@code i} answers etcd's {@code /health} with "true" (it has a leader). */
    public void awaitHealthy(int member, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Process process = process(member);
            if (process == null || !process.isAlive()) {
                throw new IllegalStateException("etcd member " + member + " is not running; see "
                        + config.dataDir().resolve(name(member) + ".log"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(clientUrl(member) + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"true\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("etcd member " + member + " did not become healthy within " + timeout);
    }

    /** The client URLs of every member, comma-separated: the API server's {@code --etcd-servers}. */
    public String endpoints() {
        return java.util.stream.IntStream.range(0, config.members()).mapToObj(this::clientUrl)
                .collect(Collectors.joining(","));
    }

    public List<String> endpointList() {
        return List.of(endpoints().split(","));
    }

    public String clientUrl(int member) {
        return "http://127.0.0.1:" + config.clientPorts().get(member);
    }

    public synchronized long pid(int member) {
        return processes[member].pid();
    }

    /** The index of the member that is the Raft leader now, asking each running member. */
    public int leader() {
        try (Client client = Client.builder().endpoints(endpointList().toArray(String[]::new)).build()) {
            for (int i = 0; i < config.members(); i++) {
                if (process(i) == null) {
                    continue;
                }
                try {
                    StatusResponse status = client.getMaintenanceClient().statusMember(clientUrl(i))
                            .get(2, TimeUnit.SECONDS);
                    if (status.getLeader() == status.getHeader().getMemberId()) {
                        return i;
                    }
                } catch (Exception unreachable) {
                    // not this one
                }
            }
        }
        throw new IllegalStateException("no etcd member says it is the leader");
    }

    /** Stops member {@code i} as an operator would (SIGTERM), waiting for it to exit. */
    public void stop(int member) throws InterruptedException {
        end(member, false);
    }

    /** Kills member {@code i} (SIGKILL): a crash, with no chance to say goodbye. */
    public void kill(int member) throws InterruptedException {
        end(member, true);
    }

    private void end(int member, boolean force) throws InterruptedException {
        Process process;
        synchronized (this) {
            process = processes[member];
            processes[member] = null;
        }
        if (process == null) {
            return;
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** Starts a stopped member again, with its data, and waits until it is healthy. */
    public void restart(int member) throws IOException, InterruptedException {
        launch(member);
        awaitHealthy(member, Duration.ofSeconds(30));
    }

    private synchronized Process process(int member) {
        return processes[member];
    }

    /** Stops every member; the data directory stays (the caller made it, the caller removes it). */
    @Override
    public void close() {
        for (int i = 0; i < config.members(); i++) {
            try {
                end(i, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Deletes a directory tree, such as a data directory once its etcd is stopped. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private String name(int member) {
        return "kthw-etcd-" + member;
    }

    private String peerUrl(int member) {
        return "http://127.0.0.1:" + config.peerPorts().get(member);
    }

    private String initialCluster() {
        return java.util.stream.IntStream.range(0, config.members())
                .mapToObj(i -> name(i) + "=" + peerUrl(i)).collect(Collectors.joining(","));
    }

    /** A free loopback port, its socket kept open in {@code held} until the caller closes it. */
    private static int hold(List<ServerSocket> held) throws IOException {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(socket);
        return socket.getLocalPort();
    }
}
