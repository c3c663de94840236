package dev.kthw.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The rule behind @Privileged: skip with a reason, or fail when privileged tests are required. */
class PrivilegedConditionTest {

    @Test
    void withNothingMissingTheTestRuns() {
        assertThatCode(() -> PrivilegedCondition.decide(List.of(), true).run()).doesNotThrowAnyException();
    }

    @Test
    void withoutRootTheTestIsSkippedWithTheReason() {
        assertThatThrownBy(() -> PrivilegedCondition.decide(List.of("root"), false).run())
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("skipped: needs root");
    }

    @Test
    void whenRequiredASkipBecomesAFailure() {
        assertThatThrownBy(() -> PrivilegedCondition.decide(List.of("root", "runc on PATH"), true).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs root, runc on PATH")
                .hasMessageContaining("KTHW_REQUIRE_PRIVILEGED=1");
    }
}
