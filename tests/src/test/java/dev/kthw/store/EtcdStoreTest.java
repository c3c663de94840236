package dev.kthw.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kthw.testing.Graded;
import dev.kthw.testing.RealEtcd;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Chapter 02, "Cluster state in etcd": the etcd-backed store, on a real etcd (the binary
 * from PATH, one member on free loopback ports). What is checked is what the API server
 * relies on: etcd's revisions as resourceVersions, conditional writes, consistent paged
 * lists and resumable watches, and values a person can read back with etcdctl.
 *
 * <p>One etcd serves the whole class; each test works under its own key prefix, and
 * compares revisions relative to where it started.
 */
@Tag("ch02")
class EtcdStoreTest {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final AtomicInteger TESTS = new AtomicInteger();
    static RealEtcd etcd;

    EtcdStorage store;
    String p;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = RealEtcd.start(1);
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
    }

    @BeforeEach
    void open() {
        store = etcd.storage();
        p = "/registry/t" + TESTS.incrementAndGet() + "/";
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

    // --- create (chapter 02, "Creating a key only if it is absent") ---

    @Test
    @Graded(points = 2, task = "create")
    void createStampsTheKeyWithTheNewRevisionAndEtcdctlCanReadIt() throws Exception {
        long before = store.currentRevision();
        KeyValue created = store.create(p + "default/web", bytes("{\"kind\":\"Pod\"}"));

        assertThat(created.createRevision()).isEqualTo(before + 1).isEqualTo(created.modRevision());
        assertThat(store.currentRevision()).isEqualTo(before + 1);
        Process etcdctl = new ProcessBuilder("etcdctl", "--endpoints", etcd.endpoints(), "get", p + "default/web",
                "--print-value-only").redirectErrorStream(true).start();
        String printed = new String(etcdctl.getInputStream().readAllBytes(), UTF_8).strip();
        etcdctl.waitFor(10, TimeUnit.SECONDS);
        assertThat(printed).as("etcdctl get prints the JSON as stored").isEqualTo("{\"kind\":\"Pod\"}");
    }

    @Test
    @Graded(points = 2, task = "create")
    void createOfAnExistingKeyFailsAndChangesNothing() {
        store.create(p + "k", bytes("first"));
        long before = store.currentRevision();
        assertThatThrownBy(() -> store.create(p + "k", bytes("second"))).isInstanceOf(StorageException.KeyExists.class);
        assertThat(text(store.get(p + "k").orElseThrow())).isEqualTo("first");
        assertThat(store.currentRevision()).as("a failed transaction writes nothing").isEqualTo(before);
    }

    // --- update and delete (chapter 02, "Optimistic concurrency is a compare on mod_revision") ---

    @Test
    @Graded(points = 3, task = "update")
    void anUpdateFromTheRevisionReadSucceedsAndAStaleOneConflicts() {
        KeyValue v1 = store.create(p + "k", bytes("1"));
        KeyValue v2 = store.update(p + "k", v1.modRevision(), bytes("2"));
        assertThat(v2.modRevision()).isEqualTo(v1.modRevision() + 1);
        assertThat(v2.createRevision()).isEqualTo(v1.createRevision());

        assertThatThrownBy(() -> store.update(p + "k", v1.modRevision(), bytes("3")))
                .isInstanceOfSatisfying(StorageException.Conflict.class,
                        c -> assertThat(c.current().modRevision()).isEqualTo(v2.modRevision()));
        assertThat(text(store.get(p + "k").orElseThrow())).isEqualTo("2");
    }

    @Test
    @Graded(points = 2, task = "update")
    void anUnconditionalUpdateWritesWhateverIsThereAndAMissingKeyIsNotFound() {
        store.create(p + "k", bytes("1"));
        store.update(p + "k", 0, bytes("2"));
        assertThat(text(store.get(p + "k").orElseThrow())).isEqualTo("2");
        assertThatThrownBy(() -> store.update(p + "nope", 0, bytes("x"))).isInstanceOf(StorageException.KeyNotFound.class);
    }

    @Test
    @Graded(points = 2, task = "update")
    void anUpdateKeepsTheKeysLeaseSoAnEventStillExpires() throws Exception {
        KeyValue event = store.create(p + "e", bytes("1"), Duration.ofSeconds(1));
        store.update(p + "e", event.modRevision(), bytes("2"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.get(p + "e").isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(store.get(p + "e")).as("etcd deleted the key when its lease expired").isEmpty();
    }

    @Test
    @Graded(points = 2, task = "delete")
    void deleteChecksTheRevisionAndReturnsWhatWasThere() {
        KeyValue v1 = store.create(p + "k", bytes("1"));
        KeyValue v2 = store.update(p + "k", 0, bytes("2"));
        assertThatThrownBy(() -> store.delete(p + "k", v1.modRevision())).isInstanceOf(StorageException.Conflict.class);
        KeyValue gone = store.delete(p + "k", v2.modRevision());
        assertThat(text(gone)).isEqualTo("2");
        assertThat(store.get(p + "k")).isEmpty();
        assertThatThrownBy(() -> store.delete(p + "k", 0)).isInstanceOf(StorageException.KeyNotFound.class);
    }

    // --- list (chapter 02, "A list is a range read at one revision") ---

    @Test
    @Graded(points = 3, task = "list")
    void aPagedListReadsOneRevisionWhateverHappensBetweenPages() {
        for (String name : List.of("a", "b", "c", "d")) {
            store.create(p + name, bytes(name + "0"));
        }
        store.create(p.substring(0, p.length() - 1) + "x/other", bytes("not in the prefix"));
        Storage.Page first = store.list(p, 0, null, 2);
        assertThat(first.items()).extracting(KeyValue::key).containsExactly(p + "a", p + "b");
        assertThat(first.more()).isTrue();
        assertThat(first.revision()).isEqualTo(store.currentRevision());

        store.delete(p + "c", 0);
        store.update(p + "d", 0, bytes("d1"));

        Storage.Page second = store.list(p, first.revision(), p + "b", 2);
        assertThat(second.items()).extracting(EtcdStoreTest::text).containsExactly("c0", "d0");
        assertThat(second.more()).isFalse();
        assertThat(store.list(p, 0, null, 0).items()).extracting(EtcdStoreTest::text).containsExactly("a0", "b0", "d1");
    }

    @Test
    @Graded(points = 2, task = "list")
    void aCompactedRevisionCannotBeListed() {
        store.create(p + "a", bytes("1"));
        long old = store.currentRevision();
        store.update(p + "a", 0, bytes("2"));
        store.compact(store.currentRevision());
        assertThatThrownBy(() -> store.list(p, old, null, 0)).isInstanceOf(StorageException.Compacted.class);
    }

    // --- watch (chapter 02, "A watch starts at a revision") ---

    @Test
    @Graded(points = 3, task = "watch")
    void aWatchFromARevisionReplaysTheChangesAfterItThenFollows() throws Exception {
        KeyValue a = store.create(p + "a", bytes("a"));
        store.update(p + "a", 0, bytes("a2"));
        store.create(p + "b", bytes("b"));
        try (Watch watch = store.watch(p, a.modRevision())) {
            assertThat(((WatchEvent.Put) watch.next(WAIT)).kv().key()).isEqualTo(p + "a");
            assertThat(((WatchEvent.Put) watch.next(WAIT)).kv().key()).isEqualTo(p + "b");
            KeyValue c = store.create(p + "c", bytes("c"));
            assertThat(((WatchEvent.Put) watch.next(WAIT)).revision()).isEqualTo(c.modRevision());
            store.create(p.substring(0, p.length() - 1) + "x/other", bytes("not in the prefix"));
            assertThat(watch.next(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    @Graded(points = 2, task = "watch")
    void aWatchFromNowSeesOnlyLaterChangesAndACompactedRevisionFails() throws Exception {
        store.create(p + "old", bytes("1"));
        long old = store.currentRevision();
        try (Watch watch = store.watch(p, 0)) {
            KeyValue b = store.create(p + "new", bytes("2"));
            assertThat(((WatchEvent.Put) watch.next(WAIT)).kv().key()).isEqualTo(b.key());
        }
        store.update(p + "old", 0, bytes("3"));
        store.compact(store.currentRevision());
        assertThatThrownBy(() -> store.watch(p, old - 1)).isInstanceOf(StorageException.Compacted.class);
    }

    @Test
    @Graded(points = 3, task = "watch-event")
    void watchEventsCarryThePreviousValue() throws Exception {
        long start = store.currentRevision();
        KeyValue a = store.create(p + "a", bytes("1"));
        store.update(p + "a", 0, bytes("2"));
        KeyValue gone = store.delete(p + "a", 0);
        try (Watch watch = store.watch(p, start)) {
            WatchEvent.Put created = (WatchEvent.Put) watch.next(WAIT);
            assertThat(created.previous()).as("a create has no previous value").isNull();
            assertThat(text(created.kv())).isEqualTo("1");
            WatchEvent.Put updated = (WatchEvent.Put) watch.next(WAIT);
            assertThat(text(updated.previous())).isEqualTo("1");
            assertThat(updated.kv().createRevision()).isEqualTo(a.createRevision());
            WatchEvent.Delete deleted = (WatchEvent.Delete) watch.next(WAIT);
            assertThat(text(deleted.previous())).as("a delete says what went away").isEqualTo("2");
            assertThat(deleted.revision()).isEqualTo(store.currentRevision());
            assertThat(text(gone)).isEqualTo("2");
        }
    }
}
