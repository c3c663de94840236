package dev.kthw.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kthw.apiserver.ApiServer;
import dev.kthw.client.KubeClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chapter 03, "Events and status": what the scheduler writes, read back by the real kubectl
 * (the one on the PATH) as a user reads it. {@code kubectl describe pod} must show the
 * Scheduled event of a placed pod, and for a pod that fits nowhere the FailedScheduling
 * event and the PodScheduled=False condition, as on a real cluster.
 */
class KubectlDescribeTest {

    final ApiServer server = ApiServer.startInMemory(new ApiServer.Config("127.0.0.1", 0, "/registry"));
    final KubeClient client = new KubeClient(server.url(), "kthw-tests");
    Scheduler scheduler;

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
        server.close();
    }

    @Test
    void describePodShowsTheSchedulersEventsAndCondition(@TempDir Path dir) throws Exception {
        SchedulingTest.node(client, "small", Map.of("cpu", "1", "memory", "8Gi"), Map.of(), List.of());
        SchedulingTest.node(client, "roomy", Map.of("cpu", "4", "memory", "8Gi"), Map.of(), List.of());
        client.create(SchedulingTest.PODS, SchedulingTest.podSpec("web", "2", "1Gi"));
        client.create(SchedulingTest.PODS, SchedulingTest.podSpec("huge", "8", "1Gi"));
        scheduler = SchedulingTest.start(client, "");
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, ApiServer.kubeconfig(server.url()));

        String web = awaitDescribe(kubeconfig, "web", "Successfully assigned");
        String huge = awaitDescribe(kubeconfig, "huge", "FailedScheduling");

        assertThat(web).containsPattern("Node:\\s+roomy/")
                .containsPattern("Normal\\s+Scheduled\\s+.*default-scheduler\\s+Successfully assigned default/web to roomy");
        assertThat(huge).containsPattern("Node:\\s+<none>")
                .containsPattern("PodScheduled\\s+False")
                .containsPattern("Warning\\s+FailedScheduling\\s+.*default-scheduler\\s+0/2 nodes are available: "
                        + "2 Insufficient cpu\\.");
    }

    /** Runs {@code kubectl describe pod} until its output contains {@code expected} (or 20 s pass). */
    static String awaitDescribe(Path kubeconfig, String pod, String expected) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        String out = "";
        while (Instant.now().isBefore(deadline)) {
            out = kubectl(kubeconfig, "describe", "pod", pod);
            if (out.contains(expected)) {
                return out;
            }
            Thread.sleep(200);
        }
        return out;
    }

    static String kubectl(Path kubeconfig, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }
}
