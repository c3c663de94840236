package dev.kthw.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.kthw.apiserver.ApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A component finds the API server through a kubeconfig, as kubectl does: the current
 * context's cluster and user (chapter 03, "Talking to the API server"; certificates are
 * chapter 10's).
 */
class KubeconfigTest {

    @TempDir
    Path dir;

    static final String TEMPLATE = """
            apiVersion: v1
            kind: Config
            current-context: %s
            clusters:
            - name: elsewhere
              cluster:
                server: http://192.0.2.1:6443
            - name: kthw
              cluster:
                server: %s
            %s
            users:
            - name: admin
              user:
                token: s3cret
            contexts:
            - name: other
              context:
                cluster: elsewhere
            - name: kthw
              context:
                cluster: kthw
                user: admin
                namespace: team-a
            """;

    Path kubeconfig(String currentContext, String server, String clusterExtra) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, TEMPLATE.formatted(currentContext, server, clusterExtra));
        return file;
    }

    @Test
    void theCurrentContextNamesTheServerTheTokenAndTheNamespace() throws Exception {
        Kubeconfig config = Kubeconfig.read(kubeconfig("kthw", "http://127.0.0.1:8080", ""));

        assertThat(config.server()).isEqualTo("http://127.0.0.1:8080");
        assertThat(config.token()).isEqualTo("s3cret");
        assertThat(config.namespace()).isEqualTo("team-a");
        assertThat(config.certificateAuthority()).isNull();
        assertThat(config.toString()).doesNotContain("s3cret");
    }

    @Test
    void aClientFromTheKubeconfigTheApiServerWritesReachesIt() throws Exception {
        try (ApiServer server = Fixtures.apiServer(1000)) {
            Path file = dir.resolve("admin.kubeconfig");
            Files.writeString(file, ApiServer.kubeconfig(server.url()));

            KubeClient client = KubeClient.fromKubeconfig(file, "test");

            assertThat(client.server()).isEqualTo(server.url());
            assertThat(client.get("/api/v1/namespaces/default").path("metadata").path("name").asText())
                    .isEqualTo("default");
        }
    }

    @Test
    void everyRequestSaysWhoSendsItAndCarriesTheToken() throws Exception {
        Map<String, String> headers = new ConcurrentHashMap<>();
        HttpServer fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        fake.createContext("/", exchange -> {
            headers.put("User-Agent", exchange.getRequestHeaders().getFirst("User-Agent"));
            headers.put("Authorization", exchange.getRequestHeaders().getFirst("Authorization"));
            answer(exchange, "{\"kind\":\"Namespace\"}");
        });
        fake.start();
        try {
            KubeClient client = KubeClient.fromKubeconfig(
                    kubeconfig("kthw", "http://127.0.0.1:" + fake.getAddress().getPort(), ""), "scheduler");

            client.get("/api/v1/namespaces/default");

            assertThat(headers).containsEntry("User-Agent", "kthw-scheduler/0.1")
                    .containsEntry("Authorization", "Bearer s3cret");
        } finally {
            fake.stop(0);
        }
    }

    @Test
    void aKubeconfigWithoutWhatItNamesSaysWhatIsMissing() throws Exception {
        assertThatThrownBy(() -> Kubeconfig.read(kubeconfig("nope", "http://127.0.0.1:8080", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no context named \"nope\"");
        assertThatThrownBy(() -> Kubeconfig.read(kubeconfig("", "http://127.0.0.1:8080", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no current-context");
        assertThatThrownBy(() -> Kubeconfig.read(dir.resolve("missing")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read the kubeconfig");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)   // keytool is a JVM of its own: slow on a busy machine
    void anHttpsServerIsTrustedThroughTheKubeconfigsCertificateAuthority() throws Exception {
        char[] password = "changeit".toCharArray();
        Path keystore = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=kthw-apiserver",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, password);
        }
        String pem = "-----BEGIN CERTIFICATE-----\n"   // the self-signed certificate is its own CA
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getCertificate("server").getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        https.createContext("/", exchange -> answer(exchange, "{\"kind\":\"Namespace\"}"));
        https.start();
        try {
            String url = "https://127.0.0.1:" + https.getAddress().getPort();
            String caData = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));

            KubeClient trusting = KubeClient.fromKubeconfig(
                    kubeconfig("kthw", url, "    certificate-authority-data: " + caData), "test");
            KubeClient untrusting = new KubeClient(url, "test");

            assertThat(trusting.get("/api/v1/namespaces/default").path("kind").asText()).isEqualTo("Namespace");
            assertThatThrownBy(() -> untrusting.get("/api/v1/namespaces/default"))
                    .as("without the CA, the server's certificate is not trusted")
                    .isInstanceOf(ServerUnreachableException.class);
        } finally {
            https.stop(0);
        }
    }

    static void answer(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    static void keytool(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(30, TimeUnit.SECONDS)) {
            keytool.destroyForcibly();
            throw new IllegalStateException("keytool did not finish");
        }
        assertThat(keytool.exitValue()).as(output).isZero();
    }
}
