package dev.kthw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The in-memory store keeps the whole contract; plus its own limits. */
class MemoryStorageTest extends StorageContract {

    @Override
    Storage newStorage() {
        return new MemoryStorage();
    }

    @Test
    void aWatcherThatFallsTooFarBehindIsEndedNotWaitedFor() throws Exception {
        try (MemoryStorage small = new MemoryStorage(1000, 3); Watch slow = small.watch("/s/", 0)) {
            for (int i = 0; i < 5; i++) {
                small.create("/s/" + i, bytes("v"));
            }
            for (int i = 0; i < 3; i++) {
                assertThat(slow.next(WAIT)).isInstanceOf(WatchEvent.Put.class);
            }
            assertThat(slow.next(WAIT)).isInstanceOfSatisfying(WatchEvent.Ended.class,
                    e -> assertThat(e.reason()).contains("fell more than 3 events behind"));
            assertThat(slow.next(Duration.ZERO)).isInstanceOf(WatchEvent.Ended.class);
        }
    }

    @Test
    void historyBeyondItsLimitIsCompacted() {
        try (MemoryStorage small = new MemoryStorage(2, 100)) {
            for (String name : new String[] {"a", "b", "c", "d"}) {
                small.create("/h/" + name, bytes(name));
            }
            // History holds revisions 3 and 4, so revision 2 can still be rebuilt; 1 cannot.
            assertThat(small.list("/h/", 2, null, 0).items()).extracting(KeyValue::key).containsExactly("/h/a", "/h/b");
            assertThatThrownBy(() -> small.list("/h/", 1, null, 0)).isInstanceOf(StorageException.Compacted.class);
            assertThatThrownBy(() -> small.watch("/h/", 1)).isInstanceOf(StorageException.Compacted.class);
        }
    }

    @Test
    void closingTheStoreEndsItsWatches() throws Exception {
        MemoryStorage s = new MemoryStorage();
        Watch watch = s.watch("/", 0);
        s.close();
        assertThat(watch.next(WAIT)).isInstanceOf(WatchEvent.Ended.class);
    }

    @Test
    void aKeyWithATtlIsDeletedWhenItsTimeIsUpAndWatchersSeeTheDelete() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (MemoryStorage s = new MemoryStorage(1000, 100, clock); Watch watch = s.watch("/e/", 0)) {
            KeyValue event = s.create("/e/1", bytes("a"), Duration.ofHours(1));
            s.update(event.key(), 0, bytes("b"));
            clock.advance(Duration.ofMinutes(59));
            assertThat(s.get("/e/1")).isPresent();
            clock.advance(Duration.ofMinutes(1));
            assertThat(s.get("/e/1")).as("an hour after its creation, the update did not extend it").isEmpty();
            watch.next(WAIT);
            watch.next(WAIT);
            assertThat(watch.next(WAIT)).isInstanceOfSatisfying(WatchEvent.Delete.class, d -> {
                assertThat(text(d.previous())).isEqualTo("b");
                assertThat(d.revision()).isEqualTo(event.modRevision() + 2);
            });
        }
    }

    @Test
    void anUpdateWithATtlStartsTheTtlAgainAndAZeroTtlRemovesIt() {
        ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (MemoryStorage s = new MemoryStorage(1000, 100, clock)) {
            KeyValue event = s.create("/e/renewed", bytes("1"), Duration.ofHours(1));
            s.create("/e/kept", bytes("1"), Duration.ofHours(1));
            clock.advance(Duration.ofMinutes(50));

            s.update(event.key(), 0, bytes("2"), Duration.ofHours(1));
            s.update("/e/kept", 0, bytes("2"), Duration.ZERO);
            clock.advance(Duration.ofMinutes(50));

            assertThat(s.get("/e/renewed")).as("100 minutes after its creation, 50 after its update").isPresent();
            assertThat(s.get("/e/kept")).as("a zero TTL took the expiry away").isPresent();
            clock.advance(Duration.ofMinutes(10));
            assertThat(s.get("/e/renewed")).as("an hour after its update").isEmpty();
            assertThat(s.get("/e/kept")).isPresent();
        }
    }
}
