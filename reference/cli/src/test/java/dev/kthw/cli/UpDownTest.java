package dev.kthw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kthw up} starts what is built and {@code kthw down} removes all of it, by PID. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UpDownTest {

    @TempDir
    Path tmp;

    @Test
    void upStartsTheApiServerAndTheSchedulerAndDownStopsThemAndRemovesTheState() throws Exception {
        Path state = tmp.resolve("state");
        String up = run("up", "--state-dir", state.toString(), "--port", "0", "--storage-backend", "memory");
        long pid = Long.parseLong(Files.readString(state.resolve("apiserver.pid")).strip());
        long schedulerPid = Long.parseLong(Files.readString(state.resolve("scheduler.pid")).strip());
        String url = Files.readString(state.resolve("apiserver.url")).strip();
        try {
            assertThat(up).contains("kube-apiserver running (pid " + pid + ")")
                    .contains("kube-scheduler running (pid " + schedulerPid + ")")
                    .contains("not built yet (it arrives with chapter 04)");
            HttpRequest leaseRequest = HttpRequest.newBuilder(URI.create(url
                    + "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler")).build();
            HttpResponse<String> lease = null;
            for (int i = 0; i < 100 && (lease == null || lease.statusCode() != 200); i++) {   // it leads within 10 s
                Thread.sleep(lease == null ? 0 : 100);
                lease = HttpClient.newHttpClient().send(leaseRequest, HttpResponse.BodyHandlers.ofString());
            }
            assertThat(lease.statusCode()).as("the scheduler's Lease").isEqualTo(200);
            assertThat(lease.body()).contains("\"holderIdentity\"");
            assertThat(Files.readString(state.resolve("admin.kubeconfig"))).contains("server: " + url);
            HttpResponse<String> namespaces = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "/api/v1/namespaces")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(namespaces.body()).contains("kube-system");
            assertThat(run("up", "--state-dir", state.toString(), "--port", "0", "--storage-backend", "memory")).contains("already running (pid "
                    + pid + ")");
        } finally {
            String down = run("down", "--state-dir", state.toString());
            assertThat(down).contains("stopped scheduler (pid " + schedulerPid + ")")
                    .contains("stopped apiserver (pid " + pid + ")");
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(ProcessHandle.of(schedulerPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(state).doesNotExist();
        assertThat(run("down", "--state-dir", state.toString())).contains("nothing to do");
    }

    @Test
    void upStartsEtcdFirstAndTheApiServerOnItAndDownStopsBothAndRemovesTheData() throws Exception {
        if (!dev.kthw.store.ManagedEtcd.available()) {
            if ("1".equals(System.getenv("KTHW_REQUIRE_PRIVILEGED"))) {
                throw new IllegalStateException("needs etcd on PATH (KTHW_REQUIRE_PRIVILEGED=1 makes this a failure)");
            }
            org.junit.jupiter.api.Assumptions.abort("skipped: needs etcd on PATH (apt-get install etcd-server)");
        }
        Path state = tmp.resolve("state");
        String up = run("up", "--state-dir", state.toString(), "--port", "0", "--etcd-client-port", "0");
        long etcdPid = Long.parseLong(Files.readString(state.resolve("etcd.pid")).strip());
        long memberPid = Long.parseLong(Files.readString(state.resolve("etcd-member-0.pid")).strip());
        long apiPid = Long.parseLong(Files.readString(state.resolve("apiserver.pid")).strip());
        String url = Files.readString(state.resolve("apiserver.url")).strip();
        try {
            assertThat(up).contains("etcd running (pid " + etcdPid + ", 1 member)")
                    .contains("kube-apiserver running (pid " + apiPid + ")").contains("store: etcd at http://127.0.0.1:");
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "/api/v1/namespaces/default/configmaps"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"kept\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(state.resolve("etcd/member-0/member")).isDirectory();
        } finally {
            String down = run("down", "--state-dir", state.toString());
            assertThat(down).contains("stopped apiserver (pid " + apiPid + ")").contains("stopped etcd (pid " + etcdPid
                    + ")");
        }
        for (long pid : new long[] {etcdPid, memberPid, apiPid}) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        }
        assertThat(state).doesNotExist();
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
