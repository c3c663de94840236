package dev.kthw.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The compactor keeps one interval of history (chapter 02, "Compaction"). */
class CompactorTest {

    @Test
    void eachTickCompactsUpToWhatWasCurrentAtThePreviousTick() {
        try (MemoryStorage store = new MemoryStorage(); Compactor compactor = new Compactor(store, Duration.ZERO)) {
            store.create("/a", "1".getBytes(UTF_8));
            store.create("/a2", "1".getBytes(UTF_8));
            assertThat(compactor.tick()).as("the first tick only looks").isZero();
            long seen = store.currentRevision();
            store.create("/b", "2".getBytes(UTF_8));
            long recent = store.currentRevision();

            assertThat(compactor.tick()).isEqualTo(seen);
            assertThat(store.list("/", recent, null, 0).items()).as("what came after the last tick is kept").hasSize(3);
            assertThatThrownBy(() -> store.watch("/", seen - 1)).isInstanceOf(StorageException.Compacted.class);
        }
    }
}
