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
            int chosen = port == 0 ? freePort() : port;
            url = "http://127.0.0.1:" + chosen;
            long pid = start(state, "apiserver", List.of("apiserver", "--bind-address", "127.0.0.1",
                    "--port", String.valueOf(chosen)));
            Files.writeString(state.dir().resolve("apiserver.url"), url + "\n");
            waitHealthy(url, state);
            System.out.println("kthw up: kube-apiserver running (pid " + pid + ") at " + url + ", store: memory");
        }
        Files.writeString(state.kubeconfig(), dev.kthw.apiserver.ApiServer.kubeconfig(url));
        System.out.println();
        System.out.println("Not running yet:");
        for (Component c : Component.afterApiServer()) {
            System.out.printf("  %-20s %s%n", c.name(), c.present() ? "built, but 'kthw up' does not start it yet"
                    : "not built yet (it arrives with chapter " + c.chapter() + ")");
        }
        System.out.println();
        System.out.println("Use it:  export KUBECONFIG=" + state.kubeconfig() + "; kubectl get namespaces");
        System.out.println("Stop it: ./kthw down" + (stateDir != null ? " --state-dir " + stateDir : ""));
        return 0;
    }

    /** Starts {@code kthw ARGS} in the background with this same Java and class path; returns its PID. */
    private static long start(ClusterState state, String name, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(state.log(name).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Files.writeString(state.pidFile(name), process.pid() + "\n");
        return process.pid();
    }

    private static void waitHealthy(String url, ClusterState state) throws IOException, InterruptedException {
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
            if (state.running("apiserver").isEmpty()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("kube-apiserver did not become healthy; see " + state.log("apiserver"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
