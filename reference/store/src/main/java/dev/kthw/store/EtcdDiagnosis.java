package dev.kthw.store;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * What etcd does not say by itself, asked for when {@link EtcdStorage} needs it for a
 * clear error: the revision it compacted its history to (for 410 Gone), and why it never
 * answered (a TLS handshake one side refused, nothing listening). Each costs one more
 * request, made only on those errors.
 */
final class EtcdDiagnosis {

    private EtcdDiagnosis() {
    }

    /**
     * The revision etcd compacted its history to. A read at a compacted revision fails
     * without saying it, but a watch from revision 1 is cancelled at once with it (its
     * compact_revision). {@code fallback} when etcd does not tell within {@code timeout}.
     */
    static long compactedRevision(Client client, Duration timeout, long fallback) {
        CompletableFuture<Long> said = new CompletableFuture<>();
        Watch.Listener listener = Watch.listener(response -> { }, error -> said.complete(
                error instanceof CompactedException compacted ? compacted.getCompactedRevision() : fallback));
        try (Watch.Watcher probe = client.getWatchClient().watch(EtcdStorage.bytes("\0"),
                WatchOption.builder().withRevision(1).build(), listener)) {
            return said.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        }
    }

    /**
     * Why etcd does not answer, when a client can know. The store's client waits for a
     * connection (wait-for-ready) and so only ever times out; a client that does not
     * wait fails at once, with the reason, so we ask one. (kube-apiserver's etcd client
     * logs the reason as its connection fails.) Empty when there is nothing to tell.
     */
    static Optional<String> whyNoConnection(EtcdStorage.Options options) {
        Duration timeout = options.requestTimeout();
        try (Client probe = EtcdStorage.connect(options, false)) {
            probe.getKVClient().get(EtcdStorage.bytes("\0"), GetOption.builder().withCountOnly(true).build())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(describe(e.getCause(), options));
        } catch (TimeoutException | RuntimeException e) {
            return Optional.empty();    // only slow, or the probe itself did not start
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** A connection failure in a person's words: the TLS problem, and which flag to look at, or the deepest cause. */
    static String describe(Throwable failure, EtcdStorage.Options options) {
        Throwable deepest = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return describeTls(String.valueOf(t.getMessage()), options);
            }
            deepest = t;
        }
        return String.valueOf(deepest.getMessage());
    }

    private static String describeTls(String tls, EtcdStorage.Options options) {
        if (tls.contains("PKIX") || tls.contains("unable to find valid certification path")) {
            return "etcd's certificate is not signed by the CA in --etcd-cafile (" + tls + ")";
        }
        boolean refused = tls.contains("bad_certificate") || tls.contains("certificate_required")
                || tls.contains("unknown_ca");
        if (refused && options.certFile() == null) {
            return "etcd asks for a client certificate (it runs with --client-cert-auth) and none is configured: "
                    + "pass --etcd-certfile and --etcd-keyfile (" + tls + ")";
        }
        if (refused) {
            return "etcd refused our client certificate (--etcd-certfile " + options.certFile()
                    + "): it must be signed by a CA in etcd's --trusted-ca-file (" + tls + ")";
        }
        return "the TLS handshake with etcd failed: " + tls;
    }
}
