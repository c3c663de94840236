package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's whole kubectl session against kthw, with every kubectl 1.27–1.33 found beside the
 * default one (chapter 01, Verification): what each command prints, column by column, is what a
 * real cluster makes it print, and nothing lands on stderr that a real cluster would not cause.
 * Each kubectl gets its own namespace and discovery cache, so each one discovers the server
 * afresh (aggregated discovery).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KubectlSessionTest {

    /** The Deployment and the Service of the Kubernetes documentation's first examples. */
    static final String DEPLOYMENT = KubectlTest.DEPLOYMENT;
    static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: my-service
            spec:
              selector:
                app.kubernetes.io/name: MyApp
              ports:
                - protocol: TCP
                  port: 80
                  targetPort: 9376
            """;
    static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels:
                app: web
            spec:
              containers:
              - name: nginx
                image: nginx:1.14.2
            """;
    static final String REPLICA_SET = """
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              name: frontend
            spec:
              replicas: 2
              selector:
                matchLabels:
                  tier: frontend
              template:
                metadata:
                  labels:
                    tier: frontend
                spec:
                  containers:
                  - name: php-redis
                    image: us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5
            """;
    static final String ENDPOINTS = """
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: my-service
            subsets:
            - addresses:
              - ip: 10.244.1.5
              ports:
              - port: 9376
            """;
    /** An event as the scheduler or the deployment controller would record it. */
    static final String EVENT = """
            apiVersion: v1
            kind: Event
            metadata:
              name: NAME
            involvedObject:
              apiVersion: API_VERSION
              kind: KIND
              name: OBJECT
              namespace: NS
              uid: UID
            reason: REASON
            message: MESSAGE
            type: Normal
            source:
              component: COMPONENT
            firstTimestamp: "2020-01-01T00:00:00Z"
            lastTimestamp: "2020-01-01T00:00:00Z"
            count: 1
            """;

    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern CLUSTER_IP = Pattern.compile("my-service ClusterIP (10\\.(9[6-9]|10[0-9]|11[01])\\.\\d+\\.\\d+) "
            + "<none> 80/TCP \\d+s");

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
    List<DynamicTest> aWholeSessionPrintsWhatARealClusterMakesKubectlPrint() {
        List<Path> kubectls = KubectlTest.kubectls();
        if (kubectls.isEmpty()) {
            Assumptions.abort("skipped: no kubectl on PATH");
        }
        return kubectls.stream().map(k -> DynamicTest.dynamicTest(k.getFileName().toString(),
                () -> new Session(k).run())).toList();
    }

    /** One kubectl's session, in its own namespace. */
    static final class Session {
        final Path kubectl;
        final String ns;
        final String node;

        Session(Path kubectl) {
            this.kubectl = kubectl;
            String suffix = kubectl.getFileName().toString().replaceAll("[^0-9]", "");
            this.ns = "session-" + (suffix.isEmpty() ? "default" : suffix);
            this.node = "node-" + (suffix.isEmpty() ? "default" : suffix);
        }

        void run() throws Exception {
            clientAndServerInformation();
            Path namespace = manifest("ns", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n");
            ok(kubectl("apply", "-f", namespace.toString()), "namespace/" + ns + " created");
            applyTheDocumentationExamples();
            getPrintsKubernetesColumns();
            outputFormatsAndSelectors();
            watchPrintsThenStreams();
            describeListsEvents();
            changeObjects();
            badInputGetsKubernetesErrors();
            deleteWaitsUntilGone();
        }

        void clientAndServerInformation() throws Exception {
            KubectlRun version = kubectl("version");
            assertThat(version.exit()).as(version.err()).isZero();
            assertThat(version.out()).contains("Client Version: ").contains("Server Version: ").contains("v1.30.0-kthw");
            // kubectl itself warns beyond one minor version of skew, against any server.
            assertThat(version.err().lines().filter(l -> !l.contains("exceeds the supported minor version skew")
                    && !l.startsWith("WARNING: This version information is deprecated"))).isEmpty();

            ok(kubectl("cluster-info"), "Kubernetes control plane is running at " + server.url());
            KubectlRun resources = ok(kubectl("api-resources"), "");
            assertThat(resources.lines()).startsWith("NAME SHORTNAMES APIVERSION NAMESPACED KIND")
                    .contains("pods po v1 true Pod", "namespaces ns v1 false Namespace",
                            "deployments deploy apps/v1 true Deployment", "leases coordination.k8s.io/v1 true Lease",
                            "priorityclasses pc scheduling.k8s.io/v1 false PriorityClass");
            assertThat(ok(kubectl("api-versions"), "").lines())
                    .containsExactly("apps/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "scheduling.k8s.io/v1",
                            "v1");
        }

        void applyTheDocumentationExamples() throws Exception {
            KubectlRun applied = ok(kubectl("-n", ns, "apply", "-f", manifest("deployment", DEPLOYMENT).toString(),
                    "-f", manifest("service", SERVICE).toString()), "deployment.apps/nginx-deployment created");
            assertThat(applied.out()).contains("service/my-service created");
            ok(kubectl("-n", ns, "apply", "-f", manifest("pod", POD).toString(), "-f",
                    manifest("rs", REPLICA_SET).toString(), "-f", manifest("ep", ENDPOINTS).toString(), "-f",
                    manifest("node", "apiVersion: v1\nkind: Node\nmetadata:\n  name: " + node + "\n").toString()),
                    "pod/web created");
        }

        void getPrintsKubernetesColumns() throws Exception {
            List<String> svc = get("svc");
            assertThat(svc.get(0)).isEqualTo("NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE");
            assertThat(svc.get(1)).matches(CLUSTER_IP);
            assertThat(get("svc", "-o", "wide").get(0)).isEqualTo("NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR");

            List<String> deploy = get("deploy");
            assertThat(deploy.get(0)).isEqualTo("NAME READY UP-TO-DATE AVAILABLE AGE");
            assertThat(deploy.get(1)).matches("nginx-deployment 0/3 0 0 \\d+s");
            List<String> wide = get("deploy", "-o", "wide");
            assertThat(wide.get(0)).isEqualTo(deploy.get(0) + " CONTAINERS IMAGES SELECTOR");
            assertThat(wide.get(1)).matches("nginx-deployment 0/3 0 0 \\d+s nginx nginx:1.14.2 app=nginx");

            List<String> pods = get("pods");
            assertThat(pods.get(0)).isEqualTo("NAME READY STATUS RESTARTS AGE");
            assertThat(pods.get(1)).matches("web 0/1 Pending 0 \\d+s");
            List<String> widePods = get("pods", "-o", "wide");
            assertThat(widePods.get(0)).isEqualTo("NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES");
            assertThat(widePods.get(1)).matches("web 0/1 Pending 0 \\d+s <none> <none> <none> <none>");
            assertThat(get("pod", "web").get(0)).as("one object, as a Table").isEqualTo(pods.get(0));

            assertThat(get("rs").get(0)).isEqualTo("NAME DESIRED CURRENT READY AGE");
            assertThat(get("rs").get(1)).matches("frontend 2 0 0 \\d+s");
            List<String> endpoints = get("ep");
            assertThat(endpoints.get(0)).isEqualTo("NAME ENDPOINTS AGE");
            assertThat(endpoints.get(1)).matches("my-service 10\\.244\\.1\\.5:9376 \\d+s");
            List<String> nodes = ok(kubectl("get", "node", node), "").lines();
            assertThat(nodes.get(0)).isEqualTo("NAME STATUS ROLES AGE VERSION");
            assertThat(nodes.get(1)).matches(node + " Unknown <none> \\d+s");
            List<String> namespaces = ok(kubectl("get", "ns", ns), "").lines();
            assertThat(namespaces.get(0)).isEqualTo("NAME STATUS AGE");
            assertThat(namespaces.get(1)).matches(ns + " Active \\d+s");
            assertThat(get("events")).containsExactly("No resources found in " + ns + " namespace.");
        }

        void outputFormatsAndSelectors() throws Exception {
            assertThat(ok(kubectl("-n", ns, "get", "deploy", "nginx-deployment", "-o", "yaml"), "kind: Deployment").out())
                    .contains("  replicas: 3\n").contains("namespace: " + ns + "\n");
            JsonNode svc = JSON.readTree(ok(kubectl("-n", ns, "get", "svc", "my-service", "-o", "json"), "").out());
            assertThat(svc.at("/spec/clusterIPs/0").asText()).isEqualTo(svc.at("/spec/clusterIP").asText());
            assertThat(ok(kubectl("-n", ns, "get", "deploy,svc", "-o", "name"), "").lines())
                    .containsExactly("deployment.apps/nginx-deployment", "service/my-service");
            assertThat(get("pods", "-l", "app=web", "-o", "name")).containsExactly("pod/web");
            assertThat(get("pods", "-l", "app!=web")).containsExactly("No resources found in " + ns + " namespace.");
            assertThat(get("pods", "--field-selector", "status.phase=Pending,metadata.name=web", "-o", "name"))
                    .containsExactly("pod/web");
            List<String> all = ok(kubectl("get", "pods", "-A", "-l", "app=web"), "").lines();
            assertThat(all.get(0)).isEqualTo("NAMESPACE NAME READY STATUS RESTARTS AGE");
            assertThat(all).anyMatch(l -> l.matches(ns + " web 0/1 Pending 0 \\d+s"));
        }

        /** get -w prints the list, then a line for each change, until it is stopped. */
        void watchPrintsThenStreams() throws Exception {
            Path out = Files.createTempFile(dir, "watch", ".txt");
            Path err = Files.createTempFile(dir, "watch", ".err");
            Process watch = new ProcessBuilder(command("-n", ns, "get", "pods", "-w"))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                waitFor(out, 2);      // the header and the pod
                ok(kubectl("-n", ns, "label", "pod", "web", "watched=yes"), "pod/web labeled");
                waitFor(out, 3);      // and the pod again, changed
                List<String> lines = Files.readString(out).lines().map(l -> l.replaceAll("\\s+", " ").strip()).toList();
                assertThat(lines.get(0)).isEqualTo("NAME READY STATUS RESTARTS AGE");
                assertThat(lines.subList(1, 3)).allMatch(l -> l.matches("web 0/1 Pending 0 \\d+s"));
            } finally {
                watch.destroy();
                watch.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(Files.readString(err)).isEmpty();
        }

        void describeListsEvents() throws Exception {
            JsonNode pod = JSON.readTree(ok(kubectl("-n", ns, "get", "pod", "web", "-o", "json"), "").out());
            JsonNode deploy = JSON.readTree(ok(kubectl("-n", ns, "get", "deploy", "nginx-deployment", "-o", "json"),
                    "").out());
            ok(kubectl("-n", ns, "apply", "-f", event("web.1", pod, "Scheduled",
                    "Successfully assigned " + ns + "/web to " + node, "default-scheduler").toString(), "-f",
                    event("nginx-deployment.1", deploy, "ScalingReplicaSet",
                            "Scaled up replica set nginx-deployment-abc to 3", "deployment-controller").toString()),
                    "event/web.1 created");

            List<String> describedPod = ok(kubectl("-n", ns, "describe", "pod", "web"), "Name:").lines();
            assertThat(describedPod).contains("Namespace: " + ns, "Status: Pending", "Events:",
                    "Type Reason Age From Message", "---- ------ ---- ---- -------");
            assertThat(describedPod).as("DefaultTolerationSeconds admission")
                    .contains("Tolerations: node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
                            "node.kubernetes.io/unreachable:NoExecute op=Exists for 300s");
            assertThat(describedPod).anyMatch(l -> l.matches("Normal Scheduled \\S+ default-scheduler Successfully "
                    + "assigned " + ns + "/web to " + node));
            List<String> describedDeploy = ok(kubectl("-n", ns, "describe", "deploy", "nginx-deployment"), "").lines();
            assertThat(describedDeploy).contains("Replicas: 3 desired | 0 updated | 0 total | 0 available | 0 unavailable");
            assertThat(describedDeploy).anyMatch(l -> l.matches("Normal ScalingReplicaSet \\S+ deployment-controller "
                    + "Scaled up replica set nginx-deployment-abc to 3"));
            List<String> events = get("events", "--field-selector", "involvedObject.kind=Pod");
            assertThat(events.get(0)).isEqualTo("LAST SEEN TYPE REASON OBJECT MESSAGE");
            assertThat(events).hasSize(2);
            assertThat(events.get(1)).contains("Normal Scheduled pod/web Successfully assigned");
        }

        void changeObjects() throws Exception {
            String deploy = "deployment.apps/nginx-deployment";
            ok(kubectl("-n", ns, "label", "deploy", "nginx-deployment", "tier=web"), deploy + " labeled");
            ok(kubectl("-n", ns, "annotate", "deploy", "nginx-deployment", "owner=team-a"), deploy + " annotate");
            ok(kubectlWith(Map.of("EDITOR", "sed -i 's/replicas: 3/replicas: 4/'"), "-n", ns, "edit", "deploy",
                    "nginx-deployment"), deploy + " edited");
            assertThat(jsonpath("deploy", "nginx-deployment", "{.spec.replicas}")).isEqualTo("4");
            ok(kubectl("-n", ns, "scale", "deploy", "nginx-deployment", "--current-replicas=4", "--replicas=5"),
                    deploy + " scaled");
            ok(kubectl("-n", ns, "patch", "deploy", "nginx-deployment", "--type=json", "-p",
                    "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]"), deploy + " patched");
            ok(kubectl("-n", ns, "patch", "deploy", "nginx-deployment", "--type=merge", "-p",
                    "{\"metadata\":{\"labels\":{\"tier\":null}}}"), deploy + " patched");
            ok(kubectl("-n", ns, "patch", "deploy", "nginx-deployment", "-p",
                    "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.16.1\"}]}}}}"),
                    deploy + " patched");
            assertThat(jsonpath("deploy", "nginx-deployment", "{.spec.replicas} {.metadata.labels.tier}"
                    + " {.metadata.annotations.owner} {.spec.template.spec.containers[0].image}"
                    + " {.spec.template.spec.containers[0].ports[0].containerPort} {.metadata.generation}"))
                    .isEqualTo("2  team-a nginx:1.16.1 80 5");
            // Applying the manifest again restores what it says, and the Service keeps its cluster IP.
            String ip = jsonpath("svc", "my-service", "{.spec.clusterIP}");
            ok(kubectl("-n", ns, "apply", "-f", dir.resolve(ns + "-service.yaml").toString()), "service/my-service unchanged");
            assertThat(jsonpath("svc", "my-service", "{.spec.clusterIP}")).isEqualTo(ip);
        }

        void badInputGetsKubernetesErrors() throws Exception {
            KubectlRun badName = kubectl("-n", ns, "apply", "-f", manifest("bad-name",
                    DEPLOYMENT.replace("name: nginx-deployment", "name: Bad_Name")).toString());
            assertThat(badName.exit()).isEqualTo(1);
            assertThat(badName.err()).isEqualTo("The Deployment \"Bad_Name\" is invalid: metadata.name: Invalid value: "
                    + "\"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                    + "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
                    + "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n");
            KubectlRun badKind = kubectl("-n", ns, "apply", "-f", manifest("bad-kind",
                    DEPLOYMENT.replace("kind: Deployment", "kind: Deploymen")).toString());
            assertThat(badKind.exit()).isEqualTo(1);
            assertThat(badKind.err()).contains("no matches for kind \"Deploymen\" in version \"apps/v1\"");
            KubectlRun badIP = kubectl("-n", ns, "apply", "-f", manifest("bad-ip", SERVICE.replace("my-service", "bad-ip")
                    .replace("spec:\n", "spec:\n  clusterIP: 192.168.0.1\n")).toString());
            assertThat(badIP.exit()).isEqualTo(1);
            assertThat(badIP.err()).isEqualTo("The Service \"bad-ip\" is invalid: spec.clusterIPs: Invalid value: "
                    + "[]string{\"192.168.0.1\"}: failed to allocate IP 192.168.0.1: the provided IP (192.168.0.1) is "
                    + "not in the valid range. The range of valid IPs is 10.96.0.0/12\n");
            KubectlRun missing = kubectl("-n", ns, "get", "pod", "nosuch");
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).isEqualTo("Error from server (NotFound): pods \"nosuch\" not found\n");
        }

        void deleteWaitsUntilGone() throws Exception {
            ok(kubectl("-n", ns, "delete", "pod", "web"), "pod \"web\" deleted");
            ok(kubectl("-n", ns, "delete", "-f", dir.resolve(ns + "-service.yaml").toString()),
                    "service \"my-service\" deleted");
            ok(kubectl("-n", ns, "delete", "deploy,rs", "--all"), "deployment.apps \"nginx-deployment\" deleted");
            assertThat(get("pods,svc,deploy,rs")).containsExactly("No resources found in " + ns + " namespace.");
            ok(kubectl("delete", "node", node), "node \"" + node + "\" deleted");
        }

        // --- helpers ---

        List<String> get(String... args) throws Exception {
            List<String> all = new ArrayList<>(List.of("-n", ns, "get"));
            all.addAll(Arrays.asList(args));
            KubectlRun run = kubectl(all.toArray(String[]::new));
            assertThat(run.exit()).as("kubectl get: %s", run.err()).isZero();
            if (run.out().isEmpty()) {     // "No resources found" goes to stderr
                return run.err().lines().toList();
            }
            assertThat(run.err()).isEmpty();
            return run.lines();
        }

        String jsonpath(String kind, String name, String path) throws Exception {
            return ok(kubectl("-n", ns, "get", kind, name, "-o", "jsonpath=" + path), "").out();
        }

        Path event(String name, JsonNode object, String reason, String message, String component) throws IOException {
            JsonNode meta = object.get("metadata");
            return manifest(name, EVENT.replace("NAME", name).replace("API_VERSION", object.get("apiVersion").asText())
                    .replace("KIND", object.get("kind").asText()).replace("OBJECT", meta.get("name").asText())
                    .replace("NS", ns).replace("UID", meta.get("uid").asText()).replace("REASON", reason)
                    .replace("MESSAGE", message).replace("COMPONENT", component));
        }

        Path manifest(String name, String yaml) throws IOException {
            Path file = dir.resolve(ns + "-" + name + ".yaml");
            Files.writeString(file, yaml);
            return file;
        }

        KubectlRun kubectl(String... args) throws Exception {
            return kubectlWith(Map.of(), args);
        }

        KubectlRun kubectlWith(Map<String, String> env, String... args) throws Exception {
            return KubectlRun.run(command(args), env, dir);
        }

        List<String> command(String... args) {
            List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString(),
                    "--cache-dir", dir.resolve("cache-" + ns).toString()));
            command.addAll(List.of(args));
            return command;
        }

        /** Succeeded, printed {@code inOutput} and nothing on stderr. */
        static KubectlRun ok(KubectlRun run, String inOutput) {
            assertThat(run.exit()).as("exit code; stderr: %s", run.err()).isZero();
            assertThat(run.out()).contains(inOutput);
            assertThat(run.err()).as("kubectl printed warnings or errors").isEmpty();
            return run;
        }

        static void waitFor(Path out, int lines) throws Exception {
            for (int i = 0; i < 200 && Files.readString(out).lines().count() < lines; i++) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(out).lines().count()).as("lines of kubectl get -w").isGreaterThanOrEqualTo(lines);
        }
    }
}
