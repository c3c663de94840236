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
 * PriorityClasses through the real kubectl (chapter 03, The scheduler: priority and
 * preemption): {@code kubectl create priorityclass}, {@code kubectl get pc} with
 * kube-apiserver's columns, a pod that names a class, and the errors a user meets.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KubectlPriorityClassTest {

    static ApiServer server;
    static Path kubeconfig;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));
        kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, ApiServer.kubeconfig(server.url()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @TestFactory
    List<DynamicTest> priorityClassesWorkWithEveryKubectl() {
        List<Path> kubectls = KubectlTest.kubectls();
        Assumptions.assumeFalse(kubectls.isEmpty() && !"true".equalsIgnoreCase(System.getenv("CI")),
                "skipped: no kubectl on PATH");
        return kubectls.stream().map(k -> DynamicTest.dynamicTest(k.getFileName().toString(), () -> session(k)))
                .toList();
    }

    @TestFactory
    List<DynamicTest> explainDescribesPriorityClasses() {
        List<Path> kubectls = KubectlTest.kubectls(27);
        Assumptions.assumeFalse(kubectls.isEmpty() && !"true".equalsIgnoreCase(System.getenv("CI")),
                "skipped: no kubectl on PATH");
        return kubectls.stream().map(k -> DynamicTest.dynamicTest(k.getFileName().toString(), () -> {
            KubectlRun explain = run(k, "explain", "priorityclass");
            expect(explain, "GROUP:      scheduling.k8s.io");
            assertThat(explain.out()).contains("KIND:       PriorityClass").contains("value\t<integer>")
                    .contains("preemptionPolicy\t<string>").contains("globalDefault\t<boolean>");
        })).toList();
    }

    private void session(Path kubectl) throws Exception {
        String v = kubectl.getFileName().toString().replaceAll("[^0-9a-z]", "");
        String high = "high-" + v;
        expect(run(kubectl, "create", "priorityclass", high, "--value=1000", "--description=jobs that matter"),
                "priorityclass.scheduling.k8s.io/" + high + " created");
        expect(run(kubectl, "create", "priorityclass", "polite-" + v, "--value=10", "--preemption-policy=Never"),
                "priorityclass.scheduling.k8s.io/polite-" + v + " created");

        KubectlRun table = run(kubectl, "get", "priorityclasses");
        expect(table, "");
        assertThat(table.lines()).startsWith("NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY")
                .anyMatch(l -> l.matches("system-cluster-critical 2000000000 false \\S+ PreemptLowerPriority"))
                .anyMatch(l -> l.matches("system-node-critical 2000001000 false \\S+ PreemptLowerPriority"))
                .anyMatch(l -> l.matches(high + " 1000 false \\S+ PreemptLowerPriority"))
                .anyMatch(l -> l.matches("polite-" + v + " 10 false \\S+ Never"));
        expect(run(kubectl, "get", "pc", high, "-o", "jsonpath={.value} {.preemptionPolicy} {.description}"),
                "1000 PreemptLowerPriority jobs that matter");

        Path pod = dir.resolve("pod-" + v + ".yaml");
        Files.writeString(pod, KubectlTest.POD.replace("name: nginx\nspec:", "name: job-" + v
                + "\nspec:\n  priorityClassName: " + high));
        expect(run(kubectl, "create", "-f", pod.toString()), "pod/job-" + v + " created");
        expect(run(kubectl, "get", "pod", "job-" + v, "-o", "jsonpath={.spec.priority} {.spec.preemptionPolicy}"),
                "1000 PreemptLowerPriority");

        Files.writeString(pod, KubectlTest.POD.replace("name: nginx\nspec:", "name: ghost-" + v
                + "\nspec:\n  priorityClassName: nowhere"));
        KubectlRun unknown = run(kubectl, "create", "-f", pod.toString());
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("Error from server (Forbidden): error when creating \"" + pod
                + "\": pods \"ghost-" + v + "\" is forbidden: no PriorityClass with name nowhere was found");

        KubectlRun tooHigh = run(kubectl, "create", "priorityclass", "top-" + v, "--value=2000000000");
        assertThat(tooHigh.exit()).isEqualTo(1);
        // The server's words; kubectl's prefix before them differs by version (1.20 says "failed to create
        // clusterrolebinding", a slip of its own, where later ones say "failed to create priorityclass").
        assertThat(tooHigh.err()).contains("error: failed to create ").contains("PriorityClass.scheduling.k8s.io "
                + "\"top-" + v + "\" is invalid: value: Forbidden: maximum allowed value of a user defined priority is "
                + "1000000000");
        KubectlRun system = run(kubectl, "delete", "pc", "system-node-critical");
        assertThat(system.exit()).isEqualTo(1);
        assertThat(system.err()).contains("Error from server (Forbidden): priorityclasses.scheduling.k8s.io "
                + "\"system-node-critical\" is forbidden: this is a system priority class and cannot be deleted");
        expect(run(kubectl, "delete", "pc", "polite-" + v), "priorityclass.scheduling.k8s.io \"polite-" + v
                + "\" deleted");
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
