package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unmodified kubectl drives our API server (chapter 01): a user's session with every
 * kubectl found on this machine (the default one, and kubectl.1.27 ... kubectl.1.33
 * beside it where they exist), checking exit codes and what kubectl prints.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KubectlTest {

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: nginx-deployment
              labels:
                app: nginx
            spec:
              replicas: 3
              selector:
                matchLabels:
                  app: nginx
              template:
                metadata:
                  labels:
                    app: nginx
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.14.2
                    ports:
                    - containerPort: 80
            """;

    static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: nginx
            spec:
              containers:
              - name: nginx
                image: nginx:1.14.2
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
        Files.writeString(dir.resolve("deployment.yaml"), DEPLOYMENT);
        Files.writeString(dir.resolve("deployment-v2.yaml"), DEPLOYMENT.replace("1.14.2", "1.16.1"));
        Files.writeString(dir.resolve("pod.yaml"), POD);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @TestFactory
    List<DynamicTest> aUsersSessionWorksWithEveryKubectl() {
        List<Path> kubectls = kubectls();
        if (kubectls.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("no kubectl on PATH: ./kthw installs kubernetes-client");
            }
            Assumptions.abort("skipped: no kubectl on PATH");
        }
        return kubectls.stream().map(k -> DynamicTest.dynamicTest(k.getFileName().toString(), () -> session(k)))
                .toList();
    }

    private void session(Path kubectl) throws Exception {
        String ns = "s-" + kubectl.getFileName().toString().replaceAll("[^0-9a-z]", "");
        // A namespace from a manifest (KubectlCreateTest covers `kubectl create namespace`, protobuf in 1.32+).
        Path manifest = dir.resolve(ns + ".yaml");
        Files.writeString(manifest, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n");
        expect(run(kubectl, "apply", "-f", manifest.toString()), 0, "namespace/" + ns + " created");
        expect(run(kubectl, "-n", ns, "apply", "-f", dir.resolve("deployment.yaml").toString()), 0,
                "deployment.apps/nginx-deployment created");
        expect(run(kubectl, "-n", ns, "apply", "-f", dir.resolve("deployment-v2.yaml").toString()), 0,
                "deployment.apps/nginx-deployment configured");
        expect(run(kubectl, "-n", ns, "get", "deploy", "nginx-deployment", "-o",
                "jsonpath={.spec.template.spec.containers[0].image} {.metadata.generation}"), 0, "nginx:1.16.1 2");
        expect(run(kubectl, "-n", ns, "label", "deploy", "nginx-deployment", "tier=web"), 0,
                "deployment.apps/nginx-deployment labeled");
        expect(run(kubectl, "-n", ns, "scale", "deploy", "nginx-deployment", "--replicas=5"), 0,
                "deployment.apps/nginx-deployment scaled");
        expect(run(kubectl, "-n", ns, "patch", "deploy", "nginx-deployment", "--type=json", "-p",
                "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]"), 0, "patched");
        expect(run(kubectl, "-n", ns, "patch", "deploy", "nginx-deployment", "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.17\"}]}}}}"),
                0, "patched");
        expect(run(kubectl, "-n", ns, "get", "deploy", "-l", "tier=web", "-o",
                "jsonpath={.items[0].spec.replicas} {.items[0].spec.template.spec.containers[0].image} "
                        + "{.items[0].spec.template.spec.containers[0].ports[0].containerPort}"), 0, "2 nginx:1.17 80");
        expect(run(kubectl, "-n", ns, "get", "deploy", "-o", "name"), 0, "deployment.apps/nginx-deployment");
        expect(run(kubectl, "-n", ns, "apply", "--server-side", "-f", dir.resolve("deployment.yaml").toString()), 0,
                "deployment.apps/nginx-deployment serverside-applied");
        expect(run(kubectl, "-n", ns, "create", "-f", dir.resolve("pod.yaml").toString()), 0, "pod/nginx created");
        KubectlRun again = run(kubectl, "-n", ns, "create", "-f", dir.resolve("pod.yaml").toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("Error from server (AlreadyExists)").contains("pods \"nginx\" already exists");
        expect(run(kubectl, "-n", ns, "delete", "pod", "nginx"), 0, "pod \"nginx\" deleted");
        KubectlRun gone = run(kubectl, "-n", ns, "get", "pod", "nginx");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("Error from server (NotFound): pods \"nginx\" not found");
        expect(run(kubectl, "-n", ns, "delete", "deploy", "nginx-deployment"), 0,
                "deployment.apps \"nginx-deployment\" deleted");
        expect(run(kubectl, "api-resources"), 0, "deployments");
        expect(run(kubectl, "get", "namespace", ns, "-o", "jsonpath={.status.phase}"), 0, "Active");
    }

    private static void expect(KubectlRun run, int exit, String inOutput) {
        assertThat(run.exit()).as("exit code; stderr: %s", run.err()).isEqualTo(exit);
        assertThat(run.out()).contains(inOutput);
        assertThat(run.err()).as("kubectl printed warnings or errors").isEmpty();
    }

    private KubectlRun run(Path kubectl, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return KubectlRun.run(command, Map.of(), dir);
    }

    /**
     * The kubectls of {@link #kubectls()} from 1.{@code minMinor} on. Some features reach
     * kubectl only through OpenAPI v3 and the fieldValidation parameter, which kubectl
     * uses from 1.27 (explain, server dry runs, unknown-field errors); older kubectl,
     * Debian's 1.20 among them, reads OpenAPI v2 instead, which kthw serves empty.
     * Without such a kubectl the test is skipped, saying why.
     */
    static List<Path> kubectls(int minMinor) {
        List<Path> all = kubectls();
        List<Path> recent = all.stream().filter(k -> clientMinor(k) >= minMinor).toList();
        Assumptions.assumeFalse(recent.isEmpty() && !all.isEmpty(), "skipped: this needs kubectl 1." + minMinor
                + " or later (found " + all + "), which reads kthw's OpenAPI v3");
        return recent;
    }

    private static final Map<Path, Integer> MINORS = new java.util.concurrent.ConcurrentHashMap<>();

    /** kubectl's own minor version, from {@code kubectl version --client -o json}. */
    static int clientMinor(Path kubectl) {
        return MINORS.computeIfAbsent(kubectl, k -> {
            try {
                Process p = new ProcessBuilder(k.toString(), "version", "--client", "-o", "json")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                p.waitFor();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"minor\":\\s*\"(\\d+)").matcher(out);
                if (!m.find()) {
                    throw new IllegalStateException(k + " version printed no minor version: " + out);
                }
                return Integer.parseInt(m.group(1));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /** The default kubectl and the versioned kubectl.1.NN binaries beside its real path. */
    static List<Path> kubectls() {
        List<Path> found = new ArrayList<>();
        for (String dirName : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dirName, "kubectl");
            if (Files.isExecutable(candidate)) {
                found.add(candidate);
                try (Stream<Path> siblings = Files.list(candidate.toRealPath().getParent())) {
                    siblings.filter(p -> p.getFileName().toString().matches("kubectl\\.1\\.\\d+"))
                            .sorted().forEach(found::add);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                break;
            }
        }
        return found;
    }
}
