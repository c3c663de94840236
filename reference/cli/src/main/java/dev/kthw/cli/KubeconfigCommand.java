package dev.kthw.cli;

import dev.kthw.apiserver.ApiServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kthw kubeconfig}: writes the file kubectl reads to find a cluster, after checking
 * that an API server answers at the given URL.
 */
@Command(name = "kubeconfig", description = "Write a kubeconfig for a running API server.")
final class KubeconfigCommand implements Callable<Integer> {

    @Option(names = "--server", defaultValue = "http://127.0.0.1:8080",
            description = "The API server's URL (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "kubeconfig",
            description = "Where to write it (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws IOException, InterruptedException {
        URI uri = URI.create(server);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("--server must be an http:// URL, not " + server);
        }
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri.resolve("/healthz"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() != 200) {
            throw new IllegalStateException(server + "/healthz answered " + health.statusCode() + ": is it kthw's API server?");
        }
        Files.writeString(out, ApiServer.kubeconfig(server));
        System.out.println("kthw kubeconfig: wrote " + out + "; try: kubectl --kubeconfig " + out + " get namespaces");
        return 0;
    }
}
