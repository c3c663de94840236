package dev.kthw.testing;

import dev.kthw.store.EtcdStorage;
import dev.kthw.store.ManagedEtcd;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A real etcd serving its clients over TLS and requiring a client certificate, as a
 * production etcd and kubeadm's do: {@code --cert-file}, {@code --key-file},
 * {@code --trusted-ca-file}, {@code --client-cert-auth}, an {@code https://} client URL.
 * One member on free loopback ports (its peer URL stays plain HTTP: nobody else joins),
 * certificates from {@link TestPki}, everything under a temporary directory that
 * {@link #close()} removes.
 *
 * <p>{@link ManagedEtcd} (what {@code kthw etcd} runs) has no TLS flags yet; this test
 * helper starts the binary itself so that only the API server's side of TLS is on trial.
 */
public final class TlsEtcd implements AutoCloseable {

    private final Path dir;
    private final TestPki.PemFiles pki;
    private final int clientPort;
    private final Process process;

    private TlsEtcd(Path dir, TestPki.PemFiles pki, int clientPort, Process process) {
        this.dir = dir;
        this.pki = pki;
        this.clientPort = clientPort;
        this.process = process;
    }

    /** Makes a PKI, starts etcd with it and waits until it answers {@code /health} over TLS. */
    public static TlsEtcd start() throws IOException, InterruptedException {
        RealEtcd.require();
        // As RealEtcd: a free port can be taken before etcd binds it; then try new ports.
        for (int attempt = 1; ; attempt++) {
            Path dir = Files.createTempDirectory("kthw-etcd-tls-");
            Process process = null;
            try {
                TestPki.PemFiles pki = TestPki.create(dir.resolve("pki"));
                ManagedEtcd.Config ports = ManagedEtcd.Config.freePorts(dir, 1);
                int client = ports.clientPorts().get(0);
                process = launch(dir, pki, client, ports.peerPorts().get(0));
                TlsEtcd etcd = new TlsEtcd(dir, pki, client, process);
                etcd.awaitHealthy(Duration.ofSeconds(30));
                return etcd;
            } catch (IllegalStateException died) {
                stop(process);
                ManagedEtcd.deleteTree(dir);
                if (attempt == 3) {
                    throw died;
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                stop(process);
                ManagedEtcd.deleteTree(dir);
                throw e;
            }
        }
    }

    private static Process launch(Path dir, TestPki.PemFiles pki, int clientPort, int peerPort) throws IOException {
        String clientUrl = "https://127.0.0.1:" + clientPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        List<String> command = List.of("etcd",
                "--name", "kthw-etcd-tls",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "kthw-etcd-tls=" + peerUrl,
                "--initial-cluster-state", "new",
                // The TLS of etcd's clients: its own certificate, and only clients whose
                // certificate the CA signed may talk to it at all.
                "--cert-file", pki.serverCert().toString(),
                "--key-file", pki.serverKey().toString(),
                "--trusted-ca-file", pki.ca().toString(),
                "--client-cert-auth");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    /** Polls {@code /health} with the client certificate, from the JDK, not jetcd: the store is what is tested. */
    private void awaitHealthy(Duration timeout) throws InterruptedException {
        HttpClient https = HttpClient.newBuilder().sslContext(clientContext()).connectTimeout(Duration.ofSeconds(1))
                .build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd over TLS exited at start; see " + dir.resolve("etcd.log"));
            }
            try {
                HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"true\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("etcd over TLS did not become healthy within " + timeout);
    }

    /** A JDK SSL context that trusts the test CA and presents the client certificate. */
    private SSLContext clientContext() {
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            Certificate ca;
            Certificate client;
            try (var in = Files.newInputStream(pki.ca())) {
                ca = x509.generateCertificate(in);
            }
            try (var in = Files.newInputStream(pki.clientCert())) {
                client = x509.generateCertificate(in);
            }
            PrivateKey key;
            try (Reader reader = Files.newBufferedReader(pki.clientKey()); PEMParser pem = new PEMParser(reader)) {
                key = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) pem.readObject());
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            store.setKeyEntry("client", key, new char[0], new Certificate[] {client});
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the test PKI: " + e.getMessage(), e);
        }
    }

    /** {@code https://127.0.0.1:PORT}: the API server's {@code --etcd-servers}. */
    public String endpoint() {
        return "https://127.0.0.1:" + clientPort;
    }

    public TestPki.PemFiles pki() {
        return pki;
    }

    /**
     * A store on this etcd with the TLS files the flags would name ({@code --etcd-cafile},
     * {@code --etcd-certfile}, {@code --etcd-keyfile}); a null file leaves that flag out.
     */
    public EtcdStorage storage(Path caFile, Path certFile, Path keyFile, Duration timeout) {
        return new EtcdStorage(new EtcdStorage.Options(List.of(endpoint()), text(caFile), text(certFile),
                text(keyFile), timeout));
    }

    /** A store with the right CA and client certificate. */
    public EtcdStorage storage(Duration timeout) {
        return storage(pki.ca(), pki.clientCert(), pki.clientKey(), timeout);
    }

    private static String text(Path file) {
        return file == null ? null : file.toString();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop(process);
        ManagedEtcd.deleteTree(dir);
    }

    private static void stop(Process process) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
