package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.store.ForwardingStorage;
import dev.kthw.store.KeyValue;
import dev.kthw.store.MemoryStorage;
import dev.kthw.store.Watch;
import dev.kthw.store.WatchEvent;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * etcd may have compacted a deleted key's last value before a watch reads the deletion
 * (chapter 02, Compaction): the watcher still gets a DELETED event naming the object, so
 * its cache does not keep a ghost.
 */
class DeletedValueGoneTest {

    /** The memory store, with the previous value of every deletion removed, as etcd does after compaction. */
    static final class ForgetfulStore extends ForwardingStorage {
        ForgetfulStore() {
            super(new MemoryStorage());
        }

        @Override
        public Watch watch(String prefix, long afterRevision) {
            Watch watch = store.watch(prefix, afterRevision);
            return new Watch() {
                @Override
                public WatchEvent next(Duration timeout) throws InterruptedException {
                    WatchEvent event = watch.next(timeout);
                    if (event instanceof WatchEvent.Delete delete) {
                        KeyValue gone = delete.previous();
                        return new WatchEvent.Delete(new KeyValue(gone.key(), new byte[0], gone.createRevision(),
                                gone.modRevision()), delete.revision());
                    }
                    return event;
                }

                @Override
                public void close() {
                    watch.close();
                }
            };
        }
    }

    final ApiServer server = ApiServer.start(new ApiServer.Config("127.0.0.1", 0, "/registry"), new ForgetfulStore(),
            Clock.systemUTC());

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aDeletionWhoseValueIsGoneStillNamesTheObject() throws Exception {
        String path = "/api/v1/namespaces/default/configmaps";
        String from = RawHttp.send(server, "POST", path, "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\"}}")
                .body().path("metadata").path("resourceVersion").asText();
        RawHttp.send(server, "DELETE", path + "/settings", (byte[]) null);

        RawHttp.Reply watch = RawHttp.send(server, "GET", path + "?watch=true&timeoutSeconds=1&resourceVersion=" + from,
                (byte[]) null);

        JsonNode event = watch.body();   // the first line: the deletion
        assertThat(event.path("type").asText()).isEqualTo("DELETED");
        assertThat(event.path("object").path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(event.path("object").path("metadata").path("name").asText()).isEqualTo("settings");
        assertThat(event.path("object").path("metadata").path("namespace").asText()).isEqualTo("default");
    }
}
