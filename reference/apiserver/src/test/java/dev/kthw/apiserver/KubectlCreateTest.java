package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the type model lets every kubectl do (chapter 01): {@code kubectl create <generator>}
 * (kubectl 1.32 and later send these objects as protobuf, older ones as JSON; either way
 * the object is stored as a real cluster would store it) and {@code kubectl explain}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KubectlCreateTest {

    /** A throwaway self-signed EC certificate and its key, for {@code kubectl create secret tls}. */
    static final String CERT = """
            -----BEGIN CERTIFICATE-----
            MIIBfjCCASWgAwIBAgIUYJD1yxE1LLT3M8B7U9VXi/y+GAcwCgYIKoZIzj0EAwIw
            FDESMBAGA1UEAwwJa3Rody10ZXN0MCAXDTI2MTEyMzE3NTIxM1oYDzIxMjYxMDMw
            MTc1MjEzWjAUMRIwEAYDVQQDDAlrdGh3LXRlc3QwWTATBgcqhkjOPQIBBggqhkjO
            PQMBBwNCAATy54NyzN2C+p7FbOKXFwKnglxYJHTpJCl2ViRucpcRAkWma6jtVsvI
            M2zd9CtdseUYLpdL2JIKSWYiMFT7dgnfo1MwUTAdBgNVHQ4EFgQUDbs1WSBbA8Xk
            qw3zfxAbCOZHMGAwHwYDVR0jBBgwFoAUDbs1WSBbA8Xkqw3zfxAbCOZHMGAwDwYD
            VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiApwxPH03UfaEfkp2RriCRU
            YwRM4ujDGLPbTw6ixiZwCQIgUdjDluAB5skym2d0bNUANksfkMl/z34ykVZXWlZU
            40M=
            -----END CERTIFICATE-----
            """;
    static final String KEY = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQguYRLVgIhkF+FzD+K
            bNQAiOdCTtMuNsIwjYkeDqsC+p6hRANCAATy54NyzN2C+p7FbOKXFwKnglxYJHTp
            JCl2ViRucpcRAkWma6jtVsvIM2zd9CtdseUYLpdL2JIKSWYiMFT7dgnf
            -----END PRIVATE KEY-----
            """;

    static ApiServer server;
    static Path kubeconfig;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));
        kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, ApiServer.kubeconfig(server.url()));
        Files.writeString(dir.resolve("tls.crt"), CERT);
        Files.writeString(dir.resolve("tls.key"), KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @TestFactory
    List<DynamicTest> everyCreateGeneratorWorksWithEveryKubectl() {
        List<Path> kubectls = KubectlTest.kubectls();
        Assumptions.assumeFalse(kubectls.isEmpty() && !"true".equalsIgnoreCase(System.getenv("CI")),
                "skipped: no kubectl on PATH");
        return kubectls.stream().map(k -> DynamicTest.dynamicTest(k.getFileName().toString(), () -> creates(k)))
                .toList();
    }

    @TestFactory
    List<DynamicTest> explainReadsTheSchemasWithEveryKubectl() {
        List<Path> kubectls = KubectlTest.kubectls(27);
        Assumptions.assumeFalse(kubectls.isEmpty() && !"true".equalsIgnoreCase(System.getenv("CI")),
                "skipped: no kubectl on PATH");
        return kubectls.stream().map(k -> DynamicTest.dynamicTest(k.getFileName().toString(), () -> explains(k)))
                .toList();
    }

    /** kubectl explain renders the OpenAPI v3 documents (chapter 01, The shape of objects). */
    private void explains(Path kubectl) throws Exception {
        KubectlRun containers = run(kubectl, "explain", "pod.spec.containers");
        expect(containers, "KIND:       Pod");
        assertThat(containers.out()).contains("FIELD: containers <[]Container>").contains("env\t<[]EnvVar>")
                .contains("image\t<string>").contains("the container image to run");
        KubectlRun recursive = run(kubectl, "explain", "deployment.spec", "--recursive");
        expect(recursive, "GROUP:      apps");
        assertThat(recursive.out()).contains("maxSurge\t<IntOrString>").contains("containerPort\t<integer>")
                .contains("requests\t<map[string]Quantity>");
        KubectlRun service = run(kubectl, "explain", "svc");
        expect(service, "KIND:       Service");
        assertThat(service.out()).contains("spec\t<ServiceSpec>");
    }

    /** A manifest with a typo fails as against a real cluster; --validate=warn stores it without the field. */
    @org.junit.jupiter.api.Test
    void aTypoInAManifestIsRefusedOrWarnedAbout() throws Exception {
        List<Path> kubectls = KubectlTest.kubectls(27);
        Assumptions.assumeFalse(kubectls.isEmpty(), "skipped: no kubectl on PATH");
        Path kubectl = kubectls.get(0);
        Path manifest = dir.resolve("typo.yaml");
        Files.writeString(manifest, KubectlTest.DEPLOYMENT.replace("replicas: 3", "replica: 3"));

        KubectlRun refused = run(kubectl, "apply", "-f", manifest.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("Error from server (BadRequest): error when creating \"" + manifest
                + "\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
                + "unknown field \"spec.replica\"");
        KubectlRun warned = run(kubectl, "apply", "--validate=warn", "-f", manifest.toString());
        assertThat(warned.exit()).isZero();
        assertThat(warned.err()).isEqualTo("Warning: unknown field \"spec.replica\"\n");
        assertThat(warned.out()).contains("deployment.apps/nginx-deployment created");
    }

    private void creates(Path kubectl) throws Exception {
        String ns = "c-" + kubectl.getFileName().toString().replaceAll("[^0-9a-z]", "");
        expect(run(kubectl, "create", "namespace", ns), "namespace/" + ns + " created");
        expect(run(kubectl, "-n", ns, "create", "configmap", "settings", "--from-literal=color=blue"),
                "configmap/settings created");
        expect(run(kubectl, "-n", ns, "create", "secret", "generic", "password", "--from-literal=pw=hunter2"),
                "secret/password created");
        expect(run(kubectl, "-n", ns, "create", "secret", "tls", "web-tls", "--cert=" + dir.resolve("tls.crt"),
                "--key=" + dir.resolve("tls.key")), "secret/web-tls created");
        expect(run(kubectl, "-n", ns, "create", "secret", "docker-registry", "registry", "--docker-server=r.example",
                "--docker-username=u", "--docker-password=p"), "secret/registry created");
        expect(run(kubectl, "-n", ns, "create", "deployment", "web", "--image=nginx:1.27", "--port=80",
                "--replicas=2"), "deployment.apps/web created");
        expect(run(kubectl, "-n", ns, "create", "service", "clusterip", "web", "--tcp=80:8080"), "service/web created");
        expect(run(kubectl, "-n", ns, "create", "service", "nodeport", "web-np", "--tcp=80:8080"),
                "service/web-np created");
        expect(run(kubectl, "-n", ns, "create", "service", "loadbalancer", "web-lb", "--tcp=443:8443"),
                "service/web-lb created");
        expect(run(kubectl, "-n", ns, "create", "service", "externalname", "search",
                "--external-name=search.example.com"), "service/search created");
        expect(run(kubectl, "-n", ns, "create", "serviceaccount", "robot"), "serviceaccount/robot created");

        // what was stored is what was asked for, whatever the encoding
        expect(run(kubectl, "-n", ns, "get", "configmap", "settings", "-o", "jsonpath={.data.color}"), "blue");
        expect(run(kubectl, "-n", ns, "get", "secret", "password", "-o", "jsonpath={.type} {.data.pw}"),
                "Opaque aHVudGVyMg==");
        expect(run(kubectl, "-n", ns, "get", "secret", "web-tls", "-o", "jsonpath={.type}"), "kubernetes.io/tls");
        expect(run(kubectl, "-n", ns, "get", "deployment", "web", "-o", "jsonpath={.spec.replicas} "
                + "{.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}"
                + " {.spec.selector.matchLabels.app}"), "2 nginx:1.27 80 web");
        expect(run(kubectl, "-n", ns, "get", "service", "web-np", "-o",
                "jsonpath={.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort}"), "NodePort 80 8080");
        expect(run(kubectl, "-n", ns, "get", "service", "search", "-o", "jsonpath={.spec.externalName}"),
                "search.example.com");
        expect(run(kubectl, "get", "namespace", ns, "-o", "jsonpath={.status.phase}"), "Active");
    }

    private static void expect(KubectlRun run, String inOutput) {
        assertThat(run.exit()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.out()).contains(inOutput);
        assertThat(run.err()).as("kubectl printed warnings or errors").isEmpty();
    }

    private static KubectlRun run(Path kubectl, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return KubectlRun.run(command, Map.of(), dir);
    }
}
