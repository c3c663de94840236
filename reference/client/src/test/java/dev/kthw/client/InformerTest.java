package dev.kthw.client;

import static dev.kthw.client.Fixtures.CONFIGMAPS;
import static dev.kthw.client.Fixtures.configMap;
import static dev.kthw.client.Fixtures.data;
import static dev.kthw.client.Fixtures.eventually;
import static dev.kthw.client.Fixtures.labelled;
import static dev.kthw.client.Fixtures.name;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.apiserver.ApiServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The informer against a real API server: it lists, then follows the watch, and its
 * handlers hear of every change once, in order, across the ends of watches, broken
 * connections and a 410 Gone (chapter 04, "Informers").
 */
class InformerTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final Informer.Options FAST = Informer.Options.defaults()
            .withWatchTimeout(Duration.ofSeconds(1))
            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));

    ApiServer server;
    KubeClient client;
    TcpProxy proxy;
    final List<Informer> informers = new ArrayList<>();

    void startServer(int history) {
        server = Fixtures.apiServer(history);
        client = new KubeClient(server.url(), "test");
    }

    Informer informer(KubeClient through, Informer.Options options, EventHandler handler) {
        Informer informer = new Informer(through, CONFIGMAPS, options).addEventHandler(handler);
        informers.add(informer);
        return informer;
    }

    @AfterEach
    void stop() {
        informers.forEach(Informer::close);
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void itListsThenHearsOfAddsUpdatesAndDeletesInOrder() throws Exception {
        startServer(1000);
        client.create(CONFIGMAPS, configMap("a", "n", "1"));
        Recorder recorder = new Recorder("n");
        Informer informer = informer(client, Informer.Options.defaults(), recorder);

        informer.start();
        assertThat(informer.awaitSynced(WAIT)).isTrue();
        ObjectNode b = client.create(CONFIGMAPS, configMap("b", "n", "2"));
        client.patch(CONFIGMAPS + "/a", KubeClient.PatchType.MERGE, configMap("a", "n", "3"));
        client.delete(CONFIGMAPS + "/b");

        assertThat(eventually(WAIT, () -> recorder.count() == 4)).as(recorder.seen().toString()).isTrue();
        assertThat(recorder.seen()).containsExactly("ADD a=1", "ADD b=2", "UPDATE a=1 -> a=3", "DELETE b=2");
        assertThat(informer.list()).extracting(Fixtures::name).containsExactly("a");
        assertThat(informer.get("default/a").map(o -> data(o, "n"))).contains("3");
        assertThat(informer.get("default/b")).isEmpty();
        assertThat(Long.parseLong(informer.lastResourceVersion()))
                .isGreaterThan(Long.parseLong(b.path("metadata").path("resourceVersion").asText()));
    }

    @Test
    void afterTheServerEndsAWatchItResumesWithoutRelistingMissingOrDoubling() throws Exception {
        startServer(1000);
        Recorder recorder = new Recorder("n");
        Informer informer = informer(client, FAST, recorder);   // every watch ends after 1 s
        informer.start();
        assertThat(informer.awaitSynced(WAIT)).isTrue();
        List<String> expected = new ArrayList<>();

        for (int i = 0; i < 12; i++) {   // over about 3.5 s, across at least three watches
            client.create(CONFIGMAPS, configMap("cm-" + i, "n", "" + i));
            expected.add("ADD cm-" + i + "=" + i);
            Thread.sleep(300);
        }

        assertThat(eventually(WAIT, () -> recorder.count() >= 12)).isTrue();
        assertThat(recorder.seen()).containsExactlyElementsOf(expected);
        assertThat(informer.watches()).as("watches opened").isGreaterThanOrEqualTo(3);
        assertThat(informer.lists()).as("it never listed again").isEqualTo(1);
    }

    @Test
    void afterABrokenConnectionItResumesFromTheLastVersionItSaw() throws Exception {
        startServer(1000);
        proxy = new TcpProxy(server.port());
        Recorder recorder = new Recorder("n");
        Informer informer = informer(new KubeClient(proxy.url(), "test"), FAST.withWatchTimeout(Duration.ofSeconds(60)),
                recorder);
        informer.start();
        assertThat(informer.awaitSynced(WAIT)).isTrue();
        client.create(CONFIGMAPS, configMap("before", "n", "1"));
        assertThat(eventually(WAIT, () -> recorder.count() == 1)).isTrue();

        proxy.cut();
        client.create(CONFIGMAPS, configMap("during", "n", "2"));   // while the informer cannot hear
        Thread.sleep(300);
        proxy.restore();
        client.create(CONFIGMAPS, configMap("after", "n", "3"));

        assertThat(eventually(WAIT, () -> recorder.count() >= 3)).as(recorder.seen().toString()).isTrue();
        assertThat(recorder.seen()).containsExactly("ADD before=1", "ADD during=2", "ADD after=3");
        assertThat(informer.lists()).as("the version was still in history: no re-list").isEqualTo(1);
        assertThat(informer.watches()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void whenItsVersionIsCompactedAwayItRelistsAndTellsWhatChangedMeanwhile() throws Exception {
        startServer(20);   // the store keeps 20 events
        proxy = new TcpProxy(server.port());
        client.create(CONFIGMAPS, configMap("kept", "n", "1"));
        client.create(CONFIGMAPS, configMap("doomed", "n", "1"));
        client.create(CONFIGMAPS, configMap("changed", "n", "1"));
        Recorder recorder = new Recorder("n");
        Informer informer = informer(new KubeClient(proxy.url(), "test"), FAST.withWatchTimeout(Duration.ofSeconds(60)),
                recorder);
        informer.start();
        assertThat(informer.awaitSynced(WAIT)).isTrue();

        proxy.cut();
        client.delete(CONFIGMAPS + "/doomed");
        client.patch(CONFIGMAPS + "/changed", KubeClient.PatchType.MERGE, configMap("changed", "n", "2"));
        for (int i = 0; i < 25; i++) {   // 27 writes: the informer's version falls out of the store's history
            client.create(CONFIGMAPS, configMap("filler-" + i, "n", "" + i));
        }
        proxy.restore();

        assertThat(eventually(WAIT, () -> informer.lists() == 2 && recorder.count() == 3 + 2 + 25))
                .as(recorder.seen().toString()).isTrue();
        List<String> afterRelist = recorder.seen().subList(3, recorder.count());
        assertThat(afterRelist).contains("DELETE doomed=1", "UPDATE changed=1 -> changed=2", "ADD filler-0=0",
                "ADD filler-24=24");
        assertThat(afterRelist).noneMatch(line -> line.contains("kept"));
        List<String> onServer = new ArrayList<>();
        client.list(CONFIGMAPS).path("items").forEach(item -> onServer.add(name(item)));
        assertThat(informer.list()).extracting(Fixtures::name).containsExactlyInAnyOrderElementsOf(onServer);
    }

    @Test
    void aLabelSelectedInformerSeesAnObjectLeaveTheSelectionAsADelete() throws Exception {
        startServer(1000);
        Recorder recorder = new Recorder("n");
        Informer informer = informer(client, Informer.Options.defaults().withLabelSelector("app=web"), recorder);
        informer.start();
        assertThat(informer.awaitSynced(WAIT)).isTrue();

        ObjectNode web = client.create(CONFIGMAPS, labelled(configMap("web", "n", "1"), "app", "web"));
        client.create(CONFIGMAPS, labelled(configMap("db", "n", "1"), "app", "db"));
        client.update(CONFIGMAPS + "/web", labelled(web.deepCopy(), "app", "db"));

        assertThat(eventually(WAIT, () -> recorder.count() == 2)).as(recorder.seen().toString()).isTrue();
        assertThat(recorder.seen()).containsExactly("ADD web=1", "DELETE web=1");
        assertThat(informer.list()).isEmpty();
    }

    @Test
    void whatItHandsOutIsACopyTheCacheDoesNotShare() throws Exception {
        startServer(1000);
        client.create(CONFIGMAPS, configMap("a", "n", "1"));
        AtomicReference<JsonNode> handed = new AtomicReference<>();
        Informer informer = informer(client, Informer.Options.defaults(), new EventHandler() {
            @Override
            public void onAdd(JsonNode object) {
                ((ObjectNode) object.get("data")).put("n", "changed by a handler");
                handed.set(object);
            }
        });
        informer.start();
        assertThat(informer.awaitSynced(WAIT)).isTrue();

        ((ObjectNode) informer.list().get(0).get("data")).put("n", "changed by a reader");
        ((ObjectNode) informer.get("default/a").orElseThrow().get("data")).put("n", "changed by another");

        assertThat(handed.get()).isNotNull();
        assertThat(informer.get("default/a").map(o -> data(o, "n"))).contains("1");
    }

    @Test
    void afterCloseNoHandlerIsCalled() throws Exception {
        startServer(1000);
        Recorder recorder = new Recorder("n");
        Informer informer = informer(client, Informer.Options.defaults(), recorder);
        informer.start();
        assertThat(informer.awaitSynced(WAIT)).isTrue();

        informer.close();
        client.create(CONFIGMAPS, configMap("late", "n", "1"));
        Thread.sleep(300);

        assertThat(recorder.seen()).isEmpty();
    }
}
