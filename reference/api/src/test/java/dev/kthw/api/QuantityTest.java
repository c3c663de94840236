package dev.kthw.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quantities and object label selectors, the two readings of a spec the scheduler relies on. */
class QuantityTest {

    @Test
    void cpuIsReadInMillicoresAndRoundedUp() {
        assertThat(Quantity.milli("250m")).isEqualTo(250);
        assertThat(Quantity.milli("1")).isEqualTo(1000);
        assertThat(Quantity.milli("0.1")).isEqualTo(100);
        assertThat(Quantity.milli("1.5")).isEqualTo(1500);
        assertThat(Quantity.milli("100u")).isEqualTo(1);
    }

    @Test
    void memoryUsesBinaryAndDecimalSuffixes() {
        assertThat(Quantity.value("1Gi")).isEqualTo(1L << 30);
        assertThat(Quantity.value("512Mi")).isEqualTo(512L << 20);
        assertThat(Quantity.value("1G")).isEqualTo(1_000_000_000L);
        assertThat(Quantity.value("2e3")).isEqualTo(2000);
        assertThat(Quantity.value("128974848")).isEqualTo(128974848L);
        assertThat(Quantity.value("110")).isEqualTo(110);
    }

    @Test
    void somethingThatIsNoQuantityIsAClearError() {
        assertThatThrownBy(() -> Quantity.value("1GB")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quantities must match");
        assertThatThrownBy(() -> Quantity.value("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSelectorNeedsEveryLabelAndEveryExpression() {
        LabelSelector selector = new LabelSelector(Map.of("app", "web"), List.of(
                new LabelSelector.Requirement("tier", "In", List.of("front", "edge")),
                new LabelSelector.Requirement("canary", "DoesNotExist", null)));
        assertThat(selector.matches(Map.of("app", "web", "tier", "front"))).isTrue();
        assertThat(selector.matches(Map.of("app", "web", "tier", "back"))).isFalse();
        assertThat(selector.matches(Map.of("app", "web", "tier", "edge", "canary", "yes"))).isFalse();
        assertThat(selector.matches(Map.of("tier", "front"))).isFalse();
    }

    @Test
    void anEmptySelectorMatchesEverything() {
        assertThat(new LabelSelector(null, null).matches(Map.of("any", "thing"))).isTrue();
        assertThat(new LabelSelector(null, null).matches(null)).isTrue();
    }
}
