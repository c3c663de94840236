package dev.kthw.apiserver;

import static dev.kthw.apiserver.ApiServerOnEtcdTest.CONFIGMAPS;
import static dev.kthw.apiserver.ApiServerOnEtcdTest.JSON;
import static dev.kthw.apiserver.ApiServerOnEtcdTest.configMap;
import static dev.kthw.apiserver.ApiServerOnEtcdTest.send;
import static dev.kthw.apiserver.ApiServerOnEtcdTest.watchLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.apiserver.ApiServerOnEtcdTest.Response;
import dev.kthw.store.EtcdStorage;
import dev.kthw.store.StorageException;
import dev.kthw.testing.TlsEtcd;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The API server on an etcd that serves its clients over TLS and accepts only those with
 * a client certificate its CA signed, as in every real cluster (chapter 02, "Real
 * world"): what {@code --etcd-cafile}, {@code --etcd-certfile} and {@code --etcd-keyfile}
 * become ({@link EtcdStorage.Options}). With the right files it serves as on plain etcd;
 * with a missing client certificate or the wrong CA it refuses to start, within the
 * request timeout, naming the TLS problem.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EtcdTlsTest {

    /** The request timeout of the stores that cannot connect: how long the API server tries before it gives up. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    static TlsEtcd etcd;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = TlsEtcd.start();
        // The first TLS connection of a JVM loads and initialises a lot (JSSE, Netty, gRPC): do it
        // before the tests, so that their timeouts measure etcd, not class loading.
        try (EtcdStorage warmUp = etcd.storage(Duration.ofSeconds(30))) {
            warmUp.currentRevision();
        }
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
    }

    static ApiServer.Config config() {
        return new ApiServer.Config("127.0.0.1", 0, "/registry");
    }

    @Test
    void withTheCaAndAClientCertificateTheApiServerStoresReadsAndWatchesOverTls() throws Exception {
        try (ApiServer server = ApiServer.start(config(), etcd.storage(Duration.ofSeconds(10)), Clock.systemUTC())) {
            Response created = send(server.url() + CONFIGMAPS, "POST", configMap("settings", "blue"));
            assertThat(created.code()).as(created.body().toString()).isEqualTo(201);
            String from = created.body().path("metadata").path("resourceVersion").asText();
            Response updated = send(server.url() + CONFIGMAPS + "/settings", "PUT", configMap("settings", "green"));
            assertThat(updated.code()).as(updated.body().toString()).isEqualTo(200);

            Response read = send(server.url() + CONFIGMAPS + "/settings", "GET", null);
            List<String> events = watchLines(server.url() + CONFIGMAPS + "?watch=true&timeoutSeconds=2&resourceVersion="
                    + from);

            assertThat(read.code()).isEqualTo(200);
            assertThat(read.body().path("data").path("v").asText()).isEqualTo("green");
            assertThat(events).hasSize(1);
            JsonNode modified = JSON.readTree(events.get(0));
            assertThat(modified.path("type").asText()).isEqualTo("MODIFIED");
            assertThat(modified.path("object").path("data").path("v").asText()).isEqualTo("green");
            assertThat(send(server.url() + "/readyz", "GET", null).code()).isEqualTo(200);
        }
        try (EtcdStorage raw = etcd.storage(Duration.ofSeconds(10))) {
            String stored = new String(raw.get("/registry/configmaps/default/settings").orElseThrow().value(),
                    StandardCharsets.UTF_8);
            assertThat(stored).as("the object is in the TLS etcd").contains("\"green\"");
        }
    }

    @Test
    void withoutAClientCertificateTheApiServerDoesNotStartAndSaysEtcdAsksForOne() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> ApiServer.start(config(), etcd.storage(etcd.pki().ca(), null, null, REQUEST_TIMEOUT),
                Clock.systemUTC()))
                .isInstanceOf(StorageException.Unavailable.class)
                .hasMessageContaining("did not answer within 2000 ms")
                .hasMessageContaining("etcd asks for a client certificate")
                .hasMessageContaining("pass --etcd-certfile and --etcd-keyfile");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no hang").isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void withTheWrongCaTheApiServerDoesNotStartAndSaysEtcdsCertificateIsNotTrusted() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> ApiServer.start(config(), etcd.storage(etcd.pki().otherCa(), etcd.pki().clientCert(),
                etcd.pki().clientKey(), REQUEST_TIMEOUT), Clock.systemUTC()))
                .isInstanceOf(StorageException.Unavailable.class)
                .hasMessageContaining("etcd's certificate is not signed by the CA in --etcd-cafile");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no hang").isLessThan(Duration.ofSeconds(15));
    }
}
