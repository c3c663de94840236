package dev.kthw.apiserver;

import static dev.kthw.apiserver.ApiServerHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ?dryRun=All} (chapter 01, Writing): the request goes through every step,
 * defaults, validation, allocation, and gets the answer it would get, but nothing is
 * stored. This is {@code kubectl --dry-run=server}.
 */
class DryRunHttpTest {

    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

    final ApiServer server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));

    @AfterEach
    void stop() {
        server.close();
    }

    RawHttp.Reply call(String method, String path, String body) throws Exception {
        return RawHttp.send(server, method, path, "application/json", body);
    }

    static String configMap(String name, String colour) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"data\":{\"colour\":\"" + colour + "\"}}";
    }

    @Test
    void aDryRunCreateAnswersAsACreateAndStoresNothing() throws Exception {
        RawHttp.Reply created = call("POST", CONFIGMAPS + "?dryRun=All", configMap("settings", "blue"));

        assertThat(created.code()).isEqualTo(201);
        assertThat(created.body().path("metadata").path("uid").asText()).isNotEmpty();
        assertThat(created.body().path("metadata").has("resourceVersion")).as("never stored, so no version").isFalse();
        assertStatus(call("GET", CONFIGMAPS + "/settings", null), 404, "NotFound", null);
    }

    @Test
    void aDryRunIsCheckedLikeTheRealRequest() throws Exception {
        call("POST", CONFIGMAPS, configMap("settings", "blue"));

        assertStatus(call("POST", CONFIGMAPS + "?dryRun=All", configMap("settings", "red")), 409, "AlreadyExists",
                null);
        assertStatus(call("POST", CONFIGMAPS + "?dryRun=All", configMap("Bad_Name", "red")), 422, "Invalid", null);
        assertStatus(call("POST", CONFIGMAPS + "?dryRun=Maybe", configMap("other", "red")), 400, "BadRequest",
                "dryRun: Unsupported value: \"Maybe\": supported values: \"All\"");
        assertStatus(call("GET", CONFIGMAPS + "/other", null), 404, "NotFound", null);
    }

    @Test
    void aDryRunUpdatePatchOrDeleteLeavesTheObjectAsItWas() throws Exception {
        String before = call("POST", CONFIGMAPS, configMap("settings", "blue")).body().toString();

        RawHttp.Reply updated = call("PUT", CONFIGMAPS + "/settings?dryRun=All", configMap("settings", "red"));
        RawHttp.Reply patched = RawHttp.send(server, "PATCH", CONFIGMAPS + "/settings?dryRun=All",
                "application/merge-patch+json", "{\"data\":{\"colour\":\"green\"}}");
        RawHttp.Reply deleted = call("DELETE", CONFIGMAPS + "/settings?dryRun=All", null);

        assertThat(updated.code()).isEqualTo(200);
        assertThat(updated.body().path("data").path("colour").asText()).isEqualTo("red");
        assertThat(patched.code()).isEqualTo(200);
        assertThat(patched.body().path("data").path("colour").asText()).isEqualTo("green");
        assertThat(deleted.code()).isEqualTo(200);
        assertThat(call("GET", CONFIGMAPS + "/settings", null).body().toString()).isEqualTo(before);
    }

    @Test
    void kubectlDryRunServerCreatesNothing(@TempDir Path dir) throws Exception {
        List<Path> kubectls = KubectlTest.kubectls(27);
        Assumptions.assumeFalse(kubectls.isEmpty(), "skipped: no kubectl on PATH");
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, ApiServer.kubeconfig(server.url()));
        for (Path kubectl : kubectls) {
            Process p = new ProcessBuilder(kubectl.toString(), "--kubeconfig", kubeconfig.toString(), "create",
                    "namespace", "dry", "--dry-run=server").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as(kubectl.getFileName().toString()).contains("namespace/dry created (server dry run)");
            assertStatus(call("GET", "/api/v1/namespaces/dry", null), 404, "NotFound", null);
        }
    }
}
