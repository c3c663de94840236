package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.store.MemoryStorage;
import dev.kthw.store.Storage;
import dev.kthw.testing.Graded;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Chapter 01, "The REST API": the handlers' path from a request to the store and back out
 * of a watch, checked the way kubectl and every controller see it, with raw HTTP requests
 * and the lines of a watch stream. Each test starts its own API server on the in-memory
 * store, so tests share nothing. {@link RestApiOnEtcdTest} runs the same tests on etcd
 * (chapter 02): the API server must behave the same on either store.
 */
@Tag("ch01")
class RestApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
    static final String PODS = "/api/v1/namespaces/default/pods";
    static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

    ApiServer server;
    Storage storage;

    @BeforeEach
    void start() throws Exception {
        storage = newStorage();
        server = ApiServer.start(new ApiServer.Config("127.0.0.1", 0, "/registry"), storage, Clock.systemUTC());
    }

    /** The store under the API server: the memory store, with a small history (20 events). */
    Storage newStorage() throws Exception {
        return new MemoryStorage(20, 1000);
    }

    /**
     * Makes the store forget its history up to now, so that earlier resourceVersions are
     * too old to watch from. The memory store above needs nothing: it keeps only 20
     * events, and a test that calls this has written more. etcd compacts when told to.
     */
    void forgetHistory() {
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // --- create: what the server sets (chapter 01, "Creating an object") ---

    @Test
    @Graded(points = 2, task = "prepare-create")
    void aCreatedObjectGetsItsServerFields() throws Exception {
        Response created = post(CONFIGMAPS, configMap("settings", "colour", "blue"));

        assertThat(created.code).as(created.body.toString()).isEqualTo(201);
        JsonNode meta = created.body.path("metadata");
        assertThat(meta.path("uid").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(Instant.parse(meta.path("creationTimestamp").asText()))
                .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
        assertThat(meta.path("resourceVersion").asText()).matches("[1-9][0-9]*");
        assertThat(meta.path("namespace").asText()).isEqualTo("default");
        assertThat(created.body.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(created.body.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(get(CONFIGMAPS + "/settings").body).as("GET returns what POST returned").isEqualTo(created.body);
    }

    @Test
    @Graded(points = 2, task = "prepare-create")
    void theServerIgnoresServerFieldsAClientSends() throws Exception {
        ObjectNode body = configMap("settings", "colour", "blue");
        child(body, "metadata").put("uid", "11111111-2222-3333-4444-555555555555").put("resourceVersion", "999")
                .put("creationTimestamp", "2001-01-01T00:00:00Z").put("generation", 7);

        Response created = post(CONFIGMAPS, body);

        assertThat(created.code).as(created.body.toString()).isEqualTo(201);
        JsonNode meta = created.body.path("metadata");
        assertThat(meta.path("uid").asText()).isNotEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(meta.path("resourceVersion").asText()).isNotEqualTo("999");
        assertThat(meta.path("creationTimestamp").asText()).isNotEqualTo("2001-01-01T00:00:00Z");
        assertThat(meta.has("generation")).as("a ConfigMap has no generation").isFalse();
    }

    @Test
    @Graded(points = 1, task = "prepare-create")
    void workloadsStartAtGenerationOneWithDefaults() throws Exception {
        Response created = post(PODS, pod("web", "nginx:1.27"));

        assertThat(created.code).as(created.body.toString()).isEqualTo(201);
        assertThat(created.body.path("metadata").path("generation").asLong()).isEqualTo(1);
        assertThat(created.body.path("spec").path("restartPolicy").asText()).isEqualTo("Always");
        assertThat(created.body.path("spec").path("dnsPolicy").asText()).isEqualTo("ClusterFirst");
        assertThat(created.body.path("spec").path("containers").path(0).path("imagePullPolicy").asText())
                .isEqualTo("IfNotPresent");
    }

    // --- create: names and namespaces (chapter 01, "Creating an object") ---

    @Test
    @Graded(points = 2, task = "create")
    void aSecondObjectWithTheSameNameIsAlreadyExists() throws Exception {
        Response first = post(CONFIGMAPS, configMap("settings", "colour", "blue"));
        Response second = post(CONFIGMAPS, configMap("settings", "colour", "green"));

        assertThat(second.code).isEqualTo(409);
        assertThat(second.body.path("kind").asText()).isEqualTo("Status");
        assertThat(second.body.path("reason").asText()).isEqualTo("AlreadyExists");
        assertThat(second.body.path("message").asText()).isEqualTo("configmaps \"settings\" already exists");
        assertThat(get(CONFIGMAPS + "/settings").body).as("the first is untouched").isEqualTo(first.body);
    }

    @Test
    @Graded(points = 2, task = "create")
    void generateNameGivesEachObjectItsOwnName() throws Exception {
        ObjectNode body = configMap(null, "colour", "blue");
        child(body, "metadata").put("generateName", "settings-");

        Set<String> names = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            Response created = post(CONFIGMAPS, body);
            assertThat(created.code).as(created.body.toString()).isEqualTo(201);
            names.add(created.body.path("metadata").path("name").asText());
        }

        assertThat(names).hasSize(5).allMatch(name -> name.matches("settings-[a-z0-9]{5}"));
        assertThat(get(CONFIGMAPS).body.path("items")).hasSize(5);
    }

    @Test
    @Graded(points = 2, task = "create")
    void anInvalidObjectIs422WithItsCausesAndIsNotStored() throws Exception {
        Response rejected = post(CONFIGMAPS, configMap("Not_Valid", "colour", "blue"));

        assertThat(rejected.code).isEqualTo(422);
        assertThat(rejected.body.path("reason").asText()).isEqualTo("Invalid");
        assertThat(rejected.body.path("message").asText()).startsWith("ConfigMap \"Not_Valid\" is invalid: metadata.name");
        assertThat(rejected.body.path("details").path("causes").path(0).path("field").asText())
                .isEqualTo("metadata.name");
        assertThat(get(CONFIGMAPS).body.path("items")).as("nothing stored").isEmpty();
    }

    @Test
    @Graded(points = 1, task = "create")
    void objectsGoOnlyIntoNamespacesThatExist() throws Exception {
        Response rejected = post("/api/v1/namespaces/nowhere/configmaps", configMap("settings", "colour", "blue"));

        assertThat(rejected.code).isEqualTo(404);
        assertThat(rejected.body.path("reason").asText()).isEqualTo("NotFound");
        assertThat(rejected.body.path("message").asText()).isEqualTo("namespaces \"nowhere\" not found");
    }

    // --- update: optimistic concurrency (chapter 01, "resourceVersion") ---

    @Test
    @Graded(points = 2, task = "update")
    void anUpdateAtTheCurrentVersionWinsAndMovesTheVersion() throws Exception {
        JsonNode created = post(CONFIGMAPS, configMap("settings", "colour", "blue")).body;
        ObjectNode changed = created.deepCopy();
        child(changed, "data").put("colour", "green");

        Response updated = put(CONFIGMAPS + "/settings", changed);

        assertThat(updated.code).as(updated.body.toString()).isEqualTo(200);
        assertThat(updated.body.path("data").path("colour").asText()).isEqualTo("green");
        assertThat(version(updated.body)).isGreaterThan(version(created));
        assertThat(updated.body.path("metadata").path("uid")).isEqualTo(created.path("metadata").path("uid"));
        assertThat(get(CONFIGMAPS + "/settings").body).isEqualTo(updated.body);
    }

    @Test
    @Graded(points = 2, task = "update")
    void anUpdateFromAStaleVersionIsAConflictAndChangesNothing() throws Exception {
        JsonNode created = post(CONFIGMAPS, configMap("settings", "colour", "blue")).body;
        ObjectNode first = created.deepCopy();
        child(first, "data").put("colour", "green");
        JsonNode afterFirst = put(CONFIGMAPS + "/settings", first).body;
        ObjectNode second = created.deepCopy();   // written from the same, now stale, version
        child(second, "data").put("colour", "red");

        Response conflict = put(CONFIGMAPS + "/settings", second);

        assertThat(conflict.code).isEqualTo(409);
        assertThat(conflict.body.path("reason").asText()).isEqualTo("Conflict");
        assertThat(conflict.body.path("message").asText()).isEqualTo("Operation cannot be fulfilled on configmaps "
                + "\"settings\": the object has been modified; please apply your changes to the latest version and "
                + "try again");
        assertThat(get(CONFIGMAPS + "/settings").body).as("the first update stays").isEqualTo(afterFirst);
    }

    @Test
    @Graded(points = 1, task = "update")
    void anUpdateWithoutAVersionReplacesWhateverIsThere() throws Exception {
        post(CONFIGMAPS, configMap("settings", "colour", "blue"));

        Response updated = put(CONFIGMAPS + "/settings", configMap("settings", "colour", "red"));

        assertThat(updated.code).as(updated.body.toString()).isEqualTo(200);
        assertThat(get(CONFIGMAPS + "/settings").body.path("data").path("colour").asText()).isEqualTo("red");
    }

    @Test
    @Graded(points = 1, task = "update")
    void updatingWhatDoesNotExistIsNotFound() throws Exception {
        Response missing = put(CONFIGMAPS + "/settings", configMap("settings", "colour", "red"));

        assertThat(missing.code).isEqualTo(404);
        assertThat(missing.body.path("message").asText()).isEqualTo("configmaps \"settings\" not found");
    }

    // --- update: what a client may change (chapter 01, "spec, status and generation") ---

    @Test
    @Graded(points = 2, task = "update-rules")
    void generationCountsSpecChangesOnly() throws Exception {
        JsonNode created = post(DEPLOYMENTS, deployment("web", 1)).body;
        ObjectNode labelled = created.deepCopy();
        child(child(labelled, "metadata"), "labels").put("tier", "frontend");
        JsonNode afterLabel = put(DEPLOYMENTS + "/web", labelled).body;
        ObjectNode scaled = afterLabel.deepCopy();
        child(scaled, "spec").put("replicas", 3);

        JsonNode afterScale = put(DEPLOYMENTS + "/web", scaled).body;

        assertThat(afterLabel.path("metadata").path("generation").asLong()).as("after a label change").isEqualTo(1);
        assertThat(afterScale.path("metadata").path("generation").asLong()).as("after a spec change").isEqualTo(2);
    }

    @Test
    @Graded(points = 1, task = "update-rules")
    void anUpdateCannotRewriteTheServersFields() throws Exception {
        JsonNode created = post(CONFIGMAPS, configMap("settings", "colour", "blue")).body;
        ObjectNode forged = created.deepCopy();
        child(forged, "metadata").put("uid", "11111111-2222-3333-4444-555555555555")
                .put("creationTimestamp", "2001-01-01T00:00:00Z");
        child(forged, "data").put("colour", "green");

        JsonNode updated = put(CONFIGMAPS + "/settings", forged).body;

        assertThat(updated.path("metadata").path("uid")).isEqualTo(created.path("metadata").path("uid"));
        assertThat(updated.path("metadata").path("creationTimestamp"))
                .isEqualTo(created.path("metadata").path("creationTimestamp"));
        assertThat(updated.path("data").path("colour").asText()).isEqualTo("green");
    }

    @Test
    @Graded(points = 2, task = "update-rules")
    void statusChangesOnlyThroughTheStatusSubresource() throws Exception {
        JsonNode created = post(PODS, pod("web", "nginx:1.27")).body;
        ObjectNode withStatus = created.deepCopy();
        child(withStatus, "status").put("phase", "Running");

        JsonNode viaMain = put(PODS + "/web", withStatus).body;
        ObjectNode statusUpdate = viaMain.deepCopy();
        child(statusUpdate, "status").put("phase", "Running");
        child(child(statusUpdate, "metadata"), "labels").put("ignored", "yes");
        JsonNode viaStatus = put(PODS + "/web/status", statusUpdate).body;

        assertThat(viaMain.path("status").path("phase").asText()).as("status set through the pod itself")
                .isNotEqualTo("Running");
        assertThat(viaStatus.path("status").path("phase").asText()).isEqualTo("Running");
        assertThat(viaStatus.path("metadata").path("labels").has("ignored"))
                .as("the status subresource changes status only").isFalse();
    }

    // --- watch: where it starts (chapter 01, "Watching") ---

    @Test
    @Graded(points = 2, task = "watch-start")
    void aWatchWithoutAVersionFirstSendsWhatExists() throws Exception {
        post(CONFIGMAPS, configMap("a", "n", "1"));
        post(CONFIGMAPS, configMap("b", "n", "2"));

        try (WatchStream watch = watch(CONFIGMAPS + "?watch=true")) {
            assertEvent(watch.next(), "ADDED", "a");
            assertEvent(watch.next(), "ADDED", "b");
            post(CONFIGMAPS, configMap("c", "n", "3"));
            assertEvent(watch.next(), "ADDED", "c");
        }
    }

    @Test
    @Graded(points = 2, task = "watch-start")
    void aWatchFromAVersionSendsEveryLaterChangeInOrder() throws Exception {
        String from = version(post(CONFIGMAPS, configMap("old", "n", "0")).body) + "";
        JsonNode created = post(CONFIGMAPS, configMap("settings", "colour", "blue")).body;
        ObjectNode changed = created.deepCopy();
        child(changed, "data").put("colour", "green");
        JsonNode updated = put(CONFIGMAPS + "/settings", changed).body;
        Response deleted = delete(CONFIGMAPS + "/settings");

        try (WatchStream watch = watch(CONFIGMAPS + "?watch=true&resourceVersion=" + from)) {
            JsonNode added = watch.next();
            JsonNode modified = watch.next();
            JsonNode gone = watch.next();

            assertEvent(added, "ADDED", "settings");
            assertThat(added.path("object")).isEqualTo(created);
            assertEvent(modified, "MODIFIED", "settings");
            assertThat(modified.path("object")).isEqualTo(updated);
            assertEvent(gone, "DELETED", "settings");
            assertThat(version(gone.path("object"))).as("a deletion has its own, later resourceVersion")
                    .isGreaterThan(version(updated));
            assertThat(deleted.code).isEqualTo(200);
            watch.assertNothingWithin(Duration.ofMillis(300), "the object named 'old' came before");
        }
    }

    @Test
    @Graded(points = 2, task = "watch-start")
    void aWatcherThatResumesFromItsLastVersionMissesNothingAndSeesNothingTwice() throws Exception {
        String from = get(CONFIGMAPS).body.path("metadata").path("resourceVersion").asText();
        post(CONFIGMAPS, configMap("one", "n", "1"));
        String last;
        try (WatchStream watch = watch(CONFIGMAPS + "?watch=true&resourceVersion=" + from)) {
            last = version(watch.next().path("object")) + "";
        }
        post(CONFIGMAPS, configMap("two", "n", "2"));   // while nobody watches
        post(CONFIGMAPS, configMap("three", "n", "3"));

        try (WatchStream resumed = watch(CONFIGMAPS + "?watch=true&resourceVersion=" + last)) {
            assertEvent(resumed.next(), "ADDED", "two");
            assertEvent(resumed.next(), "ADDED", "three");
            resumed.assertNothingWithin(Duration.ofMillis(300), "no event twice");
        }
    }

    @Test
    @Graded(points = 1, task = "watch-start")
    void aVersionTooOldToReplayEndsTheWatchWith410() throws Exception {
        String from = get(CONFIGMAPS).body.path("metadata").path("resourceVersion").asText();
        for (int i = 0; i < 30; i++) {   // the store keeps 20 events: the first ones are compacted away
            post(CONFIGMAPS, configMap("cm-" + i, "n", "" + i));
        }
        forgetHistory();

        try (WatchStream watch = watch(CONFIGMAPS + "?watch=true&resourceVersion=" + from)) {
            JsonNode error = watch.next();
            assertThat(error.path("type").asText()).isEqualTo("ERROR");
            assertThat(error.path("object").path("kind").asText()).isEqualTo("Status");
            assertThat(error.path("object").path("code").asInt()).isEqualTo(410);
            assertThat(error.path("object").path("reason").asText()).isEqualTo("Expired");
        }
        Response badVersion = get(CONFIGMAPS + "?watch=true&resourceVersion=yesterday");
        assertThat(badVersion.code).isEqualTo(400);
    }

    // --- watch: what a watcher sees of each change (chapter 01, "Watching") ---

    @Test
    @Graded(points = 3, task = "watch-event")
    void aLabelSelectedWatchSeesObjectsEnterAndLeaveTheSelection() throws Exception {
        String from = get(CONFIGMAPS).body.path("metadata").path("resourceVersion").asText();
        JsonNode plain = post(CONFIGMAPS, configMap("settings", "colour", "blue")).body;   // not selected
        ObjectNode selected = plain.deepCopy();
        child(child(selected, "metadata"), "labels").put("app", "web");
        JsonNode entered = put(CONFIGMAPS + "/settings", selected).body;                   // now selected
        ObjectNode changed = entered.deepCopy();
        child(changed, "data").put("colour", "green");
        JsonNode stillSelected = put(CONFIGMAPS + "/settings", changed).body;               // still selected
        ObjectNode unselected = stillSelected.deepCopy();
        child(child(unselected, "metadata"), "labels").put("app", "db");
        put(CONFIGMAPS + "/settings", unselected);                                         // not any more
        post(CONFIGMAPS, configMap("other", "colour", "red"));                             // never selected

        try (WatchStream watch = watch(CONFIGMAPS + "?watch=true&labelSelector=app%3Dweb&resourceVersion=" + from)) {
            assertEvent(watch.next(), "ADDED", "settings");
            assertEvent(watch.next(), "MODIFIED", "settings");
            JsonNode left = watch.next();
            assertEvent(left, "DELETED", "settings");
            assertThat(left.path("object").path("metadata").path("labels").path("app").asText())
                    .as("the object as it is now, no longer selected").isEqualTo("db");
            watch.assertNothingWithin(Duration.ofMillis(300), "nothing for unselected objects");
        }
    }

    @Test
    @Graded(points = 2, task = "watch-event")
    void aFieldSelectedWatchSeesOneObjectFromBirthToDeletion() throws Exception {
        String from = get(CONFIGMAPS).body.path("metadata").path("resourceVersion").asText();
        post(CONFIGMAPS, configMap("other", "colour", "red"));
        JsonNode created = post(CONFIGMAPS, configMap("settings", "colour", "blue")).body;
        ObjectNode changed = created.deepCopy();
        child(changed, "data").put("colour", "green");
        put(CONFIGMAPS + "/settings", changed);
        delete(CONFIGMAPS + "/other");
        delete(CONFIGMAPS + "/settings");

        try (WatchStream watch = watch(CONFIGMAPS + "?watch=true&fieldSelector=metadata.name%3Dsettings"
                + "&resourceVersion=" + from)) {
            assertEvent(watch.next(), "ADDED", "settings");
            assertEvent(watch.next(), "MODIFIED", "settings");
            assertEvent(watch.next(), "DELETED", "settings");
            watch.assertNothingWithin(Duration.ofMillis(300), "nothing about 'other'");
        }
    }

    // --- helpers: raw HTTP and watch frames ---

    record Response(int code, JsonNode body) {
    }

    static ObjectNode configMap(String name, String key, String value) {
        ObjectNode cm = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode meta = cm.putObject("metadata");
        if (name != null) {
            meta.put("name", name);
        }
        cm.putObject("data").put(key, value);
        return cm;
    }

    static ObjectNode pod(String name, String image) {
        ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name);
        pod.putObject("spec").putArray("containers").addObject().put("name", "main").put("image", image);
        return pod;
    }

    static ObjectNode deployment(String name, int replicas) {
        ObjectNode d = JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
        d.putObject("metadata").put("name", name);
        ObjectNode spec = d.putObject("spec").put("replicas", replicas);
        spec.putObject("selector").putObject("matchLabels").put("app", name);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", name);
        template.putObject("spec").putArray("containers").addObject().put("name", "main").put("image", "nginx:1.27");
        return d;
    }

    static long version(JsonNode object) {
        return Long.parseLong(object.path("metadata").path("resourceVersion").asText("0"));
    }

    static void assertEvent(JsonNode event, String type, String name) {
        assertThat(event.path("type").asText()).as("event type in " + event).isEqualTo(type);
        assertThat(event.path("object").path("metadata").path("name").asText()).as("object in " + event)
                .isEqualTo(name);
    }

    Response get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Response post(String path, JsonNode body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    Response put(String path, JsonNode body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    Response delete(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    private URI uri(String path) {
        return URI.create(server.url() + path);
    }

    private static Response send(HttpRequest.Builder request) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        return new Response(response.statusCode(), body);
    }

    WatchStream watch(String path) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).as("watch " + path).isEqualTo(200);
        return new WatchStream(response.body());
    }

    /** The lines of a watch response, read by a thread of their own so a test can wait with a timeout. */
    static final class WatchStream implements AutoCloseable {
        private final InputStream in;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        WatchStream(InputStream in) {
            this.in = in;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException closed) {
                    // the test closed the stream
                }
            }, "watch-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next event; fails when none arrives within 5 seconds. */
        JsonNode next() throws Exception {
            String line = lines.poll(5, TimeUnit.SECONDS);
            assertThat(line).as("a watch event within 5 seconds").isNotNull();
            return JSON.readTree(line);
        }

        /** Fails when an event arrives within {@code wait}. */
        void assertNothingWithin(Duration wait, String why) throws InterruptedException {
            assertThat(lines.poll(wait.toMillis(), TimeUnit.MILLISECONDS)).as(why).isNull();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** The object at {@code field}, made when missing. */
    static ObjectNode child(JsonNode node, String field) {
        ObjectNode parent = (ObjectNode) node;
        return parent.has(field) ? (ObjectNode) parent.get(field) : parent.putObject(field);
    }
}
