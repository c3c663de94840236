package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Field selectors as kubectl sends them with {@code --field-selector}: the three
 * operators, backslash escapes in values, the canonical form, and the messages of
 * apimachinery's {@code fields.ParseSelector}.
 */
class FieldSelectorTest {

    private static final Map<String, String> RUNNING_ON_NODE_1 =
            Map.of("status.phase", "Running", "spec.nodeName", "node-1");
    private static final Map<String, String> PENDING_UNSCHEDULED =
            Map.of("status.phase", "Pending", "spec.nodeName", "");

    // --- operators --------------------------------------------------------------------

    @Test
    void equalsSelectsObjectsWhoseFieldHasThatValue() {
        // kubectl get pods --field-selector status.phase=Running
        FieldSelector selector = FieldSelector.parse("status.phase=Running");

        assertThat(selector.matches(RUNNING_ON_NODE_1)).isTrue();
        assertThat(selector.matches(PENDING_UNSCHEDULED)).isFalse();
    }

    @Test
    void doubleEqualsMeansTheSameAsEquals() {
        FieldSelector selector = FieldSelector.parse("status.phase==Running");

        assertThat(selector.matches(RUNNING_ON_NODE_1)).isTrue();
        assertThat(selector).hasToString("status.phase=Running");
    }

    @Test
    void notEqualsSelectsObjectsWhoseFieldHasAnotherValue() {
        FieldSelector selector = FieldSelector.parse("status.phase!=Running");

        assertThat(selector.matches(PENDING_UNSCHEDULED)).isTrue();
        assertThat(selector.matches(RUNNING_ON_NODE_1)).isFalse();
    }

    @Test
    void anEmptyValueFindsUnscheduledPodsAndNotEqualsEmptyFindsScheduledOnes() {
        // kube-scheduler watches "spec.nodeName=" for the pods it still has to place.
        assertThat(FieldSelector.parse("spec.nodeName=").matches(PENDING_UNSCHEDULED)).isTrue();
        assertThat(FieldSelector.parse("spec.nodeName=").matches(RUNNING_ON_NODE_1)).isFalse();
        assertThat(FieldSelector.parse("spec.nodeName!=").matches(RUNNING_ON_NODE_1)).isTrue();
    }

    @Test
    void aFieldMissingFromTheMapComparesAsTheEmptyString() {
        assertThat(FieldSelector.parse("spec.nodeName=").matches(Map.of())).isTrue();
        assertThat(FieldSelector.parse("spec.nodeName=").matches(null)).isTrue();
        assertThat(FieldSelector.parse("spec.nodeName!=node-1").matches(Map.of())).isTrue();
        assertThat(FieldSelector.parse("spec.nodeName=node-1").matches(Map.of())).isFalse();
    }

    @Test
    void everyTermMustHold() {
        // The kubelet's own filter for the pods it still runs.
        FieldSelector selector = FieldSelector.parse(
                "spec.nodeName=node-1,status.phase!=Succeeded,status.phase!=Failed");

        assertThat(selector.matches(RUNNING_ON_NODE_1)).isTrue();
        assertThat(selector.matches(Map.of("spec.nodeName", "node-1", "status.phase", "Failed"))).isFalse();
        assertThat(selector.matches(PENDING_UNSCHEDULED)).isFalse();
    }

    // --- fields, empty selectors, canonical form ----------------------------------------

    @Test
    void fieldsListsEachFieldNameOnce() {
        FieldSelector selector = FieldSelector.parse("status.phase!=Succeeded,spec.nodeName=n,status.phase!=Failed");

        assertThat(selector.fields()).containsExactly("spec.nodeName", "status.phase");
    }

    @Test
    void anEmptyOrMissingSelectorSelectsEverything() {
        // kubectl get pods --field-selector "" is the same as no selector.
        for (String empty : new String[] {null, "", ",", ",,"}) {
            FieldSelector selector = FieldSelector.parse(empty);

            assertThat(selector.isEmpty()).isTrue();
            assertThat(selector.fields()).isEmpty();
            assertThat(selector.matches(RUNNING_ON_NODE_1)).isTrue();
            assertThat(selector).hasToString("");
        }
    }

    @Test
    void emptyTermsAreSkippedAndATermWithNeitherFieldNorValueIsDropped() {
        assertThat(FieldSelector.parse("a=1,,b=2,")).hasToString("a=1,b=2");
        assertThat(FieldSelector.parse("=").isEmpty()).isTrue();
        assertThat(FieldSelector.parse("!=,a=1")).hasToString("a=1");
    }

    @Test
    void theCanonicalFormSortsTermsAndWritesDoubleEqualsAsEquals() {
        FieldSelector selector = FieldSelector.parse("status.phase==Running,metadata.name!=web");

        assertThat(selector).hasToString("metadata.name!=web,status.phase=Running");
        assertThat(FieldSelector.parse(selector.toString())).hasToString(selector.toString());
    }

    @Test
    void spacesAreNotTrimmed() {
        // "a=b, c=d" names the field " c", which no kind supports: Kubernetes does not trim.
        FieldSelector selector = FieldSelector.parse("a=b, c=d");

        assertThat(selector.fields()).containsExactlyInAnyOrder("a", " c");
        assertThat(selector.matches(Map.of("a", "b", "c", "d"))).isFalse();
    }

    // --- escapes ----------------------------------------------------------------------

    @Test
    void backslashEscapesCommaEqualsAndBackslashInValues() {
        FieldSelector selector = FieldSelector.parse("a=x\\,y,b=p\\=q,c=back\\\\slash");

        assertThat(selector.fields()).containsExactly("a", "b", "c");
        assertThat(selector.matches(Map.of("a", "x,y", "b", "p=q", "c", "back\\slash"))).isTrue();
        assertThat(selector).hasToString("a=x\\,y,b=p\\=q,c=back\\\\slash");
    }

    @Test
    void anEscapedBackslashBeforeACommaLeavesTheCommaASeparator() {
        FieldSelector selector = FieldSelector.parse("a=x\\\\,b=y");

        assertThat(selector.matches(Map.of("a", "x\\", "b", "y"))).isTrue();
    }

    @Test
    void theFieldNameCannotBeEscapedSoTheFirstOperatorSplitsTheTerm() {
        // "a!==b" is field "a", operator "!=", value "=b", and a bare "=" in a value fails.
        assertThatThrownBy(() -> FieldSelector.parse("a!==b"))
                .hasMessage("invalid field selector: unescaped character in value: 61");
        FieldSelector escaped = FieldSelector.parse("a!=\\=b");
        assertThat(escaped.matches(Map.of("a", "=b"))).isFalse();
        assertThat(escaped.matches(Map.of("a", "b"))).isTrue();
    }

    // --- errors -----------------------------------------------------------------------

    @Test
    void aTermWithoutAnOperatorIsNotUnderstood() {
        assertThatThrownBy(() -> FieldSelector.parse("x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid selector: 'x'; can't understand 'x'");
        assertThatThrownBy(() -> FieldSelector.parse("status.phase=Running,dirty"))
                .hasMessage("invalid selector: 'status.phase=Running,dirty'; can't understand 'dirty'");
    }

    @Test
    void anUnescapedEqualsInAValueIsReportedByItsCharacterCode() {
        // Kubernetes prints the rune with Go's %v, which gives its number: '=' is 61.
        assertThatThrownBy(() -> FieldSelector.parse("metadata.name=a=b"))
                .hasMessage("invalid field selector: unescaped character in value: 61");
    }

    @Test
    void anUnknownOrUnfinishedEscapeIsRejected() {
        assertThatThrownBy(() -> FieldSelector.parse("metadata.name=a\\x"))
                .hasMessage("invalid field selector: invalid escape sequence: \\x");
        assertThatThrownBy(() -> FieldSelector.parse("metadata.name=a\\"))
                .hasMessage("invalid field selector: invalid escape sequence: \\");
    }
}
