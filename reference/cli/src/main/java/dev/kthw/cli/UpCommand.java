package dev.kthw.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kthw up}: brings up a cluster on this machine, component by component, starting
 * each one whose chapter has landed and saying plainly which have not. Processes run in
 * the background; their PIDs, logs and the admin kubeconfig go in the state directory,
 * where {@code kthw down} finds them.
 */
@Command(name = "up", description = "Bring up a cluster on this machine (as root): etcd, control plane, nodes.")
final class UpCommand implements Callable<Integer> {

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where PIDs, logs and the kubeconfig go (default: /var/lib/kthw as root, else ~/.kthw/cluster).")
    Path stateDir;

    @Option(names = "--port", defaultValue = "8080",
            description = "The API server's port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--storage-backend", defaultValue = "etcd",
            description = "etcd (a managed etcd, data in the state directory) or memory (default: ${DEFAULT-VALUE}).")
    String storageBackend;

    @Option(names = "--etcd-members", defaultValue = "1",
            description = "Members of the managed etcd: 1 or 3 (default: ${DEFAULT-VALUE}).")
    int etcdMembers;

    @Option(names = "--etcd-client-port", defaultValue = "2379",
            description = "The first etcd member's client port; its peer port is the next one; 0 picks free ports "
                    + "(default: ${DEFAULT-VALUE}).")
    int etcdClientPort;

    @Override
    public Integer call() throws IOException, InterruptedException {
        ClusterState state = new ClusterState(stateDir != null ? stateDir : ClusterState.defaultDir());
        Files.createDirectories(state.dir());
        String url;
        Optional<ProcessHandle> running = state.running("apiserver");
        if (running.isPresent()) {
            url = Files.readString(state.dir().resolve("apiserver.url")).strip();
            System.out.println("kthw up: kube-apiserver is already running (pid " + running.get().pid() + ") at " + url);
        } else {
            List<String> storeFlags = List.of("--storage-backend", "memory");
            String store = "memory";
            if (storageBackend.equals("etcd")) {
                String endpoints = startEtcd(state);                           // etcd first: the API server needs it
                storeFlags = List.of("--storage-backend", "etcd", "--etcd-servers", endpoints);
                store = "etcd at " + endpoints;
            } else if (!storageBackend.equals("memory")) {
                throw new IllegalArgumentException("--storage-backend must be etcd or memory");
            }
            int chosen = port == 0 ? freePort() : port;
            url = "http://127.0.0.1:" + chosen;
            List<String> args = new java.util.ArrayList<>(List.of("apiserver", "--bind-address", "127.0.0.1",
                    "--port", String.valueOf(chosen)));
            args.addAll(storeFlags);
            long pid = start(state, "apiserver", args);
            Files.writeString(state.dir().resolve("apiserver.url"), url + "\n");
            waitHealthy(url, state, "apiserver", "kube-apiserver");
            System.out.println("kthw up: kube-apiserver running (pid " + pid + ") at " + url + ", store: " + store);
        }
        Files.writeString(state.kubeconfig(), dev.kthw.apiserver.ApiServer.kubeconfig(url));
        startScheduler(state);                                                // a client of the API server
        System.out.println();
        System.out.println("Not running yet:");
        for (Component c : Component.afterApiServer()) {
            if (c.name().equals("kube-scheduler")) {
                continue;
            }
            System.out.printf("  %-20s %s%n", c.name(), c.present() ? "built, but 'kthw up' does not start it yet"
                    : "not built yet (it arrives with chapter " + c.chapter() + ")");
        }
        System.out.println();
        System.out.println("Use it:  export KUBECONFIG=" + state.kubeconfig() + "; kubectl get namespaces");
        System.out.println("Stop it: ./kthw down" + (stateDir != null ? " --state-dir " + stateDir : ""));
        return 0;
    }

    /**
     * Starts the managed etcd ({@code kthw etcd}) in the background, its data under the
     * state directory, and waits until it says it is healthy. Returns its client URLs.
     */
    private String startEtcd(ClusterState state) throws IOException, InterruptedException {
        if (!dev.kthw.store.ManagedEtcd.available()) {
            throw new IllegalStateException("etcd is not on PATH: install it (Debian: apt-get install etcd-server; "
                    + "./kthw up does) or use --storage-backend memory");
        }
        Optional<ProcessHandle> running = state.running("etcd");
        Path endpointsFile = state.dir().resolve("etcd.endpoints");
        if (running.isPresent() && Files.exists(endpointsFile)) {
            return Files.readString(endpointsFile).strip();
        }
        int client = etcdClientPort == 0 ? freePort() : etcdClientPort;
        int peer = etcdClientPort == 0 ? freePort() : etcdClientPort + 1;
        if (etcdMembers > 1 && etcdClientPort == 0) {
            throw new IllegalArgumentException("--etcd-members " + etcdMembers + " needs fixed ports (--etcd-client-port)");
        }
        long pid = start(state, "etcd", List.of("etcd", "--members", String.valueOf(etcdMembers),
                "--data-dir", state.dir().resolve("etcd").toString(), "--client-port", String.valueOf(client),
                "--peer-port", String.valueOf(peer), "--pid-dir", state.dir().toString()));
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            String log = Files.readString(state.log("etcd"));
            int at = log.indexOf("--etcd-servers ");
            if (at >= 0) {
                String endpoints = log.substring(at + "--etcd-servers ".length()).lines().findFirst().orElseThrow()
                        .strip();
                Files.writeString(endpointsFile, endpoints + "\n");
                System.out.println("kthw up: etcd running (pid " + pid + ", " + etcdMembers + " member"
                        + (etcdMembers == 1 ? "" : "s") + ") at " + endpoints);
                return endpoints;
            }
            if (state.running("etcd").isEmpty()) {
                break;
            }
            Thread.sleep(200);
        }
        // Leave nothing behind that 'kthw down' might not find: stop what we started, by its PID.
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        throw new IllegalStateException("etcd did not become healthy; see " + state.log("etcd") + lastLines(state.log("etcd")));
    }

    /**
     * Starts {@code kthw scheduler} in the background with the admin kubeconfig (leader
     * election on, as kubeadm runs it) and waits for its /healthz.
     */
    private static void startScheduler(ClusterState state) throws IOException, InterruptedException {
        Optional<ProcessHandle> running = state.running("scheduler");
        if (running.isPresent()) {
            System.out.println("kthw up: kube-scheduler is already running (pid " + running.get().pid() + ")");
            return;
        }
        int port = freePort();
        long pid = start(state, "scheduler", List.of("scheduler", "--kubeconfig", state.kubeconfig().toString(),
                "--secure-port", String.valueOf(port)));
        String url = "http://127.0.0.1:" + port;
        waitHealthy(url, state, "scheduler", "kube-scheduler");
        System.out.println("kthw up: kube-scheduler running (pid " + pid + "), metrics at " + url + "/metrics");
    }

    /** The end of a log, for an error message: why a component did not start is usually there. */
    private static String lastLines(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return lines.isEmpty() ? "" : ":\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 5),
                lines.size()));
    }

    /** Starts {@code kthw ARGS} in the background with this same Java and class path; returns its PID. */
    private static long start(ClusterState state, String name, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // The class path goes in an argument file (java @FILE): a long class path makes the
        // command line so long that the JDK no longer reports it, and 'kthw down' checks
        // a PID's command line before it stops the process.
        Path argFile = state.dir().resolve("java.args");
        Files.writeString(argFile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
        List<String> command = new java.util.ArrayList<>(List.of(java, "@" + argFile, Main.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(state.log(name).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Files.writeString(state.pidFile(name), process.pid() + "\n");
        return process.pid();
    }

    private static void waitHealthy(String url, ClusterState state, String component, String title)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/healthz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (state.running(component).isEmpty()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(title + " did not become healthy; see " + state.log(component)
                + lastLines(state.log(component)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
