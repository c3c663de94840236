package dev.kthw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kthw up} starts what is built and {@code kthw down} removes all of it, by PID. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UpDownTest {

    @TempDir
    Path tmp;

    @Test
    void upStartsTheApiServerAndDownStopsItAndRemovesTheState() throws Exception {
        Path state = tmp.resolve("state");
        String up = run("up", "--state-dir", state.toString(), "--port", "0");
        long pid = Long.parseLong(Files.readString(state.resolve("apiserver.pid")).strip());
        String url = Files.readString(state.resolve("apiserver.url")).strip();
        try {
            assertThat(up).contains("kube-apiserver running (pid " + pid + ")").contains("not built yet (it arrives "
                    + "with chapter 03)");
            assertThat(Files.readString(state.resolve("admin.kubeconfig"))).contains("server: " + url);
            HttpResponse<String> namespaces = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "/api/v1/namespaces")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(namespaces.body()).contains("kube-system");
            assertThat(run("up", "--state-dir", state.toString(), "--port", "0")).contains("already running (pid "
                    + pid + ")");
        } finally {
            String down = run("down", "--state-dir", state.toString());
            assertThat(down).contains("stopped apiserver (pid " + pid + ")");
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(state).doesNotExist();
        assertThat(run("down", "--state-dir", state.toString())).contains("nothing to do");
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
