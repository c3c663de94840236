package dev.kthw.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Storage} contract, written once: every implementation (memory now, etcd in
 * chapter 02) extends this class and must pass all of it, so the API server can rely on
 * the contract and not on an implementation.
 */
abstract class StorageContract {

    static final Duration WAIT = Duration.ofSeconds(5);

    Storage store;

    abstract Storage newStorage();

    @BeforeEach
    void open() {
        store = newStorage();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    static String text(KeyValue kv) {
        return new String(kv.value(), UTF_8);
    }

    @Test
    void everyWriteAdvancesTheRevisionByOneAndStampsTheKey() {
        long start = store.currentRevision();
        KeyValue a = store.create("/registry/pods/default/a", bytes("1"));
        KeyValue a2 = store.update(a.key(), a.modRevision(), bytes("2"));
        KeyValue gone = store.delete(a.key(), a2.modRevision());

        assertThat(a.createRevision()).isEqualTo(start + 1).isEqualTo(a.modRevision());
        assertThat(a2.modRevision()).isEqualTo(start + 2);
        assertThat(a2.createRevision()).isEqualTo(a.createRevision());
        assertThat(text(gone)).isEqualTo("2");
        assertThat(store.currentRevision()).isEqualTo(start + 3);
        assertThat(store.get(a.key())).isEmpty();
    }

    @Test
    void createFailsWhenTheKeyExists() {
        store.create("/k", bytes("first"));
        assertThatThrownBy(() -> store.create("/k", bytes("second"))).isInstanceOf(StorageException.KeyExists.class);
        assertThat(text(store.get("/k").orElseThrow())).isEqualTo("first");
    }

    @Test
    void updateAndDeleteWithAStaleRevisionConflictAndChangeNothing() {
        KeyValue v1 = store.create("/k", bytes("1"));
        KeyValue v2 = store.update("/k", v1.modRevision(), bytes("2"));
        long before = store.currentRevision();

        assertThatThrownBy(() -> store.update("/k", v1.modRevision(), bytes("3")))
                .isInstanceOfSatisfying(StorageException.Conflict.class,
                        c -> assertThat(c.current().modRevision()).isEqualTo(v2.modRevision()));
        assertThatThrownBy(() -> store.delete("/k", v1.modRevision())).isInstanceOf(StorageException.Conflict.class);
        assertThat(text(store.get("/k").orElseThrow())).isEqualTo("2");
        assertThat(store.currentRevision()).isEqualTo(before);
    }

    @Test
    void revisionZeroMeansUnconditional() {
        store.create("/k", bytes("1"));
        store.update("/k", 0, bytes("2"));
        assertThat(text(store.delete("/k", 0))).isEqualTo("2");
    }

    @Test
    void updateOrDeleteOfAMissingKeyIsNotFound() {
        assertThatThrownBy(() -> store.update("/nope", 0, bytes("x"))).isInstanceOf(StorageException.KeyNotFound.class);
        assertThatThrownBy(() -> store.delete("/nope", 0)).isInstanceOf(StorageException.KeyNotFound.class);
    }

    @Test
    void listReturnsThePrefixInKeyOrder() {
        for (String key : List.of("/r/pods/b/x", "/r/pods/a/y", "/r/pods/a/x", "/r/podsx/a", "/r/services/a")) {
            store.create(key, bytes(key));
        }
        Storage.Page page = store.list("/r/pods/", 0, null, 0);
        assertThat(page.items()).extracting(KeyValue::key).containsExactly("/r/pods/a/x", "/r/pods/a/y", "/r/pods/b/x");
        assertThat(page.more()).isFalse();
        assertThat(page.revision()).isEqualTo(store.currentRevision());
    }

    @Test
    void pagesOfOneListSeeOneSnapshotWhateverHappensBetween() {
        for (String name : List.of("a", "b", "c", "d")) {
            store.create("/p/" + name, bytes(name + "0"));
        }
        Storage.Page first = store.list("/p/", 0, null, 2);
        assertThat(first.items()).extracting(KeyValue::key).containsExactly("/p/a", "/p/b");
        assertThat(first.more()).isTrue();

        store.delete("/p/c", 0);
        store.update("/p/d", 0, bytes("d1"));
        store.create("/p/e", bytes("e0"));

        Storage.Page second = store.list("/p/", first.revision(), "/p/b", 2);
        assertThat(second.items()).extracting(StorageContract::text).containsExactly("c0", "d0");
        assertThat(second.revision()).isEqualTo(first.revision());
        assertThat(store.list("/p/", first.revision(), "/p/d", 2).items()).isEmpty();
        assertThat(store.list("/p/", 0, null, 0).items()).extracting(StorageContract::text)
                .containsExactly("a0", "b0", "d1", "e0");
    }

    @Test
    void aWatchFromARevisionReplaysWhatCameAfterThenFollows() throws Exception {
        KeyValue a = store.create("/w/a", bytes("a"));
        store.update("/w/a", 0, bytes("a2"));
        store.create("/other/x", bytes("x"));
        store.delete("/w/a", 0);

        try (Watch watch = store.watch("/w/", a.modRevision())) {
            WatchEvent.Put put = (WatchEvent.Put) watch.next(WAIT);
            assertThat(text(put.kv())).isEqualTo("a2");
            assertThat(text(put.previous())).isEqualTo("a");
            WatchEvent.Delete delete = (WatchEvent.Delete) watch.next(WAIT);
            assertThat(text(delete.previous())).isEqualTo("a2");

            KeyValue b = store.create("/w/b", bytes("b"));
            WatchEvent.Put live = (WatchEvent.Put) watch.next(WAIT);
            assertThat(live.kv().modRevision()).isEqualTo(b.modRevision());
            assertThat(live.previous()).isNull();
            assertThat(watch.next(Duration.ofMillis(100))).isNull();
        }
    }

    @Test
    void aWatcherThatResumesFromItsLastRevisionSeesEveryLaterEventExactlyOnce() throws Exception {
        long start = store.currentRevision();
        List<Long> seen = new ArrayList<>();
        try (Watch watch = store.watch("/x/", start)) {
            for (int i = 0; i < 5; i++) {
                store.create("/x/" + i, bytes("v"));
            }
            for (int i = 0; i < 3; i++) {
                seen.add(((WatchEvent.Put) watch.next(WAIT)).revision());
            }
        }
        for (int i = 5; i < 8; i++) {
            store.create("/x/" + i, bytes("v"));
        }
        try (Watch resumed = store.watch("/x/", seen.get(seen.size() - 1))) {
            for (int i = 0; i < 5; i++) {
                seen.add(((WatchEvent.Put) resumed.next(WAIT)).revision());
            }
            assertThat(resumed.next(Duration.ofMillis(100))).isNull();
        }
        assertThat(seen).containsExactly(start + 1, start + 2, start + 3, start + 4, start + 5, start + 6, start + 7,
                start + 8);
    }

    @Test
    void compactedRevisionsCanNoLongerBeListedOrWatchedAndTheErrorNamesTheOldestKept() {
        store.create("/c/a", bytes("1"));
        long old = store.currentRevision();
        store.create("/c/b", bytes("2"));
        store.update("/c/a", 0, bytes("3"));
        long compactedTo = store.currentRevision() - 1;
        store.compact(compactedTo);

        assertThatThrownBy(() -> store.list("/c/", old, null, 0)).isInstanceOfSatisfying(StorageException.Compacted.class,
                c -> assertThat(c.compactedRevision()).isEqualTo(compactedTo));
        assertThatThrownBy(() -> store.watch("/c/", old)).isInstanceOfSatisfying(StorageException.Compacted.class,
                c -> assertThat(c.compactedRevision()).isEqualTo(compactedTo));
        assertThat(store.list("/c/", 0, null, 0).items()).hasSize(2);
    }

    @Test
    void concurrentWritersGetDistinctRevisionsAndAWatcherSeesThemInOrder() throws Exception {
        long start = store.currentRevision();
        int writers = 4;
        int each = 200;
        try (Watch watch = store.watch("/cc/", start)) {
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        store.create("/cc/" + id + "-" + i, bytes("v"));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            long last = start;
            for (int i = 0; i < writers * each; i++) {
                long revision = ((WatchEvent.Put) watch.next(WAIT)).revision();
                assertThat(revision).isEqualTo(last + 1);
                last = revision;
            }
        }
        assertThat(store.currentRevision()).isEqualTo(start + writers * each);
        assertThat(store.list("/cc/", 0, null, 0).items()).hasSize(writers * each);
    }
}
