package dev.kthw.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a component needs from a kubeconfig file: where the API server is, and how to
 * prove who it is. A kubeconfig names clusters, users and contexts (a cluster paired
 * with a user and a namespace); {@code current-context} picks the one to use, as
 * {@code kubectl} does.
 *
 * <p>Read here: the cluster's {@code server} and {@code certificate-authority-data} (or
 * {@code certificate-authority}, a file), the user's bearer {@code token} (or
 * {@code tokenFile}), the context's {@code namespace}.
 *
 * <p>Simpler than client-go's clientcmd: one file (no {@code KUBECONFIG} list to merge),
 * no exec or auth-provider plugins, no {@code insecure-skip-tls-verify}. Client
 * certificates ({@code client-certificate-data}) arrive with authentication in chapter
 * 10; until then they are ignored.
 *
 * @param server               the API server's URL, {@code http://127.0.0.1:8080}
 * @param token                the bearer token to send, or null
 * @param certificateAuthority PEM of the CA that signed an https server's certificate, or null
 * @param namespace            the context's namespace ({@code default} when it names none)
 */
public record Kubeconfig(String server, String token, String certificateAuthority, String namespace) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Reads the current context of the kubeconfig at {@code path}. */
    public static Kubeconfig read(Path path) {
        JsonNode config;
        try {
            config = YAML.readTree(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the kubeconfig " + path + ": " + e.getMessage(), e);
        }
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException("the kubeconfig " + path + " is empty or not a YAML mapping");
        }
        String contextName = config.path("current-context").asText("");
        if (contextName.isEmpty()) {
            throw new IllegalArgumentException("the kubeconfig " + path + " has no current-context");
        }
        JsonNode context = named(config, "contexts", contextName, "context", path);
        JsonNode cluster = named(config, "clusters", context.path("cluster").asText(""), "cluster", path);
        String userName = context.path("user").asText("");
        JsonNode user = userName.isEmpty() ? KubeClient.JSON.createObjectNode()
                : named(config, "users", userName, "user", path);
        String server = cluster.path("server").asText("");
        if (server.isEmpty()) {
            throw new IllegalArgumentException("the cluster of context \"" + contextName + "\" in " + path
                    + " has no server");
        }
        String namespace = context.path("namespace").asText("");
        return new Kubeconfig(server, token(user, path), certificateAuthority(cluster, path),
                namespace.isEmpty() ? "default" : namespace);
    }

    /** The entry called {@code name} in the list {@code listField}, unwrapped ({@code - name: x; cluster: {...}}). */
    private static JsonNode named(JsonNode config, String listField, String name, String inner, Path path) {
        for (JsonNode entry : config.path(listField)) {
            if (entry.path("name").asText("").equals(name)) {
                return entry.path(inner);
            }
        }
        throw new IllegalArgumentException("the kubeconfig " + path + " has no " + inner + " named \"" + name + "\"");
    }

    private static String token(JsonNode user, Path path) {
        String token = user.path("token").asText("");
        String file = user.path("tokenFile").asText("");
        if (token.isEmpty() && !file.isEmpty()) {
            token = readText(path.toAbsolutePath().getParent().resolve(file), "tokenFile").strip();
        }
        return token.isEmpty() ? null : token;
    }

    private static String certificateAuthority(JsonNode cluster, Path path) {
        String data = cluster.path("certificate-authority-data").asText("");
        if (!data.isEmpty()) {
            try {
                return new String(Base64.getDecoder().decode(data.strip()), StandardCharsets.US_ASCII);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("certificate-authority-data in " + path + " is not base64", e);
            }
        }
        String file = cluster.path("certificate-authority").asText("");
        return file.isEmpty() ? null : readText(path.toAbsolutePath().getParent().resolve(file),
                "certificate-authority");
    }

    private static String readText(Path file, String field) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the kubeconfig's " + field + " " + file + ": " + e, e);
        }
    }

    /**
     * The TLS settings for an https server: trust exactly the kubeconfig's CA (not the
     * system's), as kubectl does when the cluster names one. Null when it names none: then
     * the JDK's default trust store applies.
     */
    public SSLContext sslContext() {
        if (certificateAuthority == null) {
            return null;
        }
        try {
            Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(certificateAuthority.getBytes(StandardCharsets.US_ASCII)));
            if (cas.isEmpty()) {
                throw new IllegalArgumentException("the kubeconfig's certificate authority holds no certificate");
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate ca : cas) {
                trusted.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the kubeconfig's certificate authority is not a PEM certificate: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {   // never print the token
        return "Kubeconfig[server=" + server + ", token=" + (token == null ? "none" : "(hidden)")
                + ", certificateAuthority=" + (certificateAuthority == null ? "none" : "PEM") + ", namespace="
                + namespace + "]";
    }
}
