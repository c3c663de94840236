package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Label selectors as kubectl sends them with {@code -l}: the grammar, the meaning of each
 * operator, the canonical form, and Kubernetes' own error messages (apimachinery
 * {@code labels.Parse}; the messages quoted here are ones a real cluster prints).
 */
class LabelSelectorTest {

    private static final Map<String, String> WEB_PROD = Map.of("app", "web", "env", "prod", "replicas", "3");
    private static final Map<String, String> WEB_DEV = Map.of("app", "web", "env", "dev");
    private static final Map<String, String> NO_LABELS = Map.of();

    // --- every operator ---------------------------------------------------------------

    @Test
    void equalsSelectsObjectsWhoseLabelHasThatValue() {
        LabelSelector selector = LabelSelector.parse("env=prod");

        assertThat(selector.matches(WEB_PROD)).isTrue();
        assertThat(selector.matches(WEB_DEV)).isFalse();
        assertThat(selector.matches(NO_LABELS)).isFalse();
    }

    @Test
    void doubleEqualsMeansTheSameAsEquals() {
        LabelSelector selector = LabelSelector.parse("env==prod");

        assertThat(selector.matches(WEB_PROD)).isTrue();
        assertThat(selector.matches(WEB_DEV)).isFalse();
    }

    @Test
    void notEqualsAlsoSelectsObjectsWithoutTheLabel() {
        // kubectl get pods -l 'env!=prod' lists pods that have no env label at all.
        LabelSelector selector = LabelSelector.parse("env!=prod");

        assertThat(selector.matches(WEB_DEV)).isTrue();
        assertThat(selector.matches(NO_LABELS)).isTrue();
        assertThat(selector.matches(WEB_PROD)).isFalse();
    }

    @Test
    void inSelectsObjectsWhoseLabelIsOneOfTheValues() {
        LabelSelector selector = LabelSelector.parse("env in (prod,staging)");

        assertThat(selector.matches(WEB_PROD)).isTrue();
        assertThat(selector.matches(WEB_DEV)).isFalse();
        assertThat(selector.matches(NO_LABELS)).isFalse();
    }

    @Test
    void notinAlsoSelectsObjectsWithoutTheLabel() {
        LabelSelector selector = LabelSelector.parse("env notin (prod,staging)");

        assertThat(selector.matches(WEB_DEV)).isTrue();
        assertThat(selector.matches(NO_LABELS)).isTrue();
        assertThat(selector.matches(WEB_PROD)).isFalse();
    }

    @Test
    void aBareKeySelectsObjectsThatHaveTheLabelWithAnyValue() {
        LabelSelector selector = LabelSelector.parse("env");

        assertThat(selector.matches(WEB_PROD)).isTrue();
        assertThat(selector.matches(Map.of("env", ""))).isTrue();
        assertThat(selector.matches(NO_LABELS)).isFalse();
    }

    @Test
    void bangKeySelectsObjectsWithoutTheLabel() {
        LabelSelector selector = LabelSelector.parse("!env");

        assertThat(selector.matches(NO_LABELS)).isTrue();
        assertThat(selector.matches(Map.of("env", ""))).isFalse();
    }

    @Test
    void greaterThanAndLessThanCompareLabelsAsIntegers() {
        assertThat(LabelSelector.parse("replicas>2").matches(WEB_PROD)).isTrue();
        assertThat(LabelSelector.parse("replicas>3").matches(WEB_PROD)).isFalse();
        assertThat(LabelSelector.parse("replicas<10").matches(WEB_PROD)).isTrue();
        assertThat(LabelSelector.parse("replicas<3").matches(WEB_PROD)).isFalse();
    }

    @Test
    void greaterThanNeverSelectsAMissingOrNonNumericLabel() {
        // Unlike != and notin, gt/lt need the label; "abc" is not an error, just no match.
        LabelSelector selector = LabelSelector.parse("replicas>0");

        assertThat(selector.matches(NO_LABELS)).isFalse();
        assertThat(selector.matches(Map.of("replicas", "abc"))).isFalse();
    }

    @Test
    void anEmptyValueMatchesOnlyAnEmptyLabel() {
        // "env=" is valid: the empty string is a valid label value.
        LabelSelector selector = LabelSelector.parse("env=");

        assertThat(selector.matches(Map.of("env", ""))).isTrue();
        assertThat(selector.matches(WEB_PROD)).isFalse();
        assertThat(selector.matches(NO_LABELS)).isFalse();
    }

    @Test
    void everyRequirementMustHold() {
        LabelSelector selector = LabelSelector.parse("app=web,env!=prod");

        assertThat(selector.matches(WEB_DEV)).isTrue();
        assertThat(selector.matches(WEB_PROD)).isFalse();
        assertThat(selector.matches(Map.of("env", "dev"))).isFalse();
    }

    // --- empty selectors ---------------------------------------------------------------

    @Test
    void anEmptyOrMissingSelectorSelectsEverything() {
        // kubectl get pods and kubectl get pods -l '' are the same request.
        for (String empty : new String[] {null, "", "   "}) {
            LabelSelector selector = LabelSelector.parse(empty);

            assertThat(selector.isEmpty()).isTrue();
            assertThat(selector.matches(NO_LABELS)).isTrue();
            assertThat(selector.matches(null)).isTrue();
            assertThat(selector).hasToString("");
        }
        assertThat(LabelSelector.parse("app").isEmpty()).isFalse();
    }

    // --- the grammar and the canonical form ---------------------------------------------

    @Test
    void whitespaceAroundTokensIsIgnored() {
        LabelSelector selector = LabelSelector.parse("  app = web ,\ttier  in ( front , back ) , ! canary ");

        assertThat(selector).hasToString("app=web,!canary,tier in (back,front)");
        assertThat(selector.matches(Map.of("app", "web", "tier", "back"))).isTrue();
    }

    @Test
    void theCanonicalFormSortsRequirementsByKeyAndSetValues() {
        // Kubernetes sorts so that one selector always prints one way (Requirement.String).
        LabelSelector selector = LabelSelector.parse("tier notin (b,a,b),app==web,env!=prod,x>5,w<7,!debug,zone");

        assertThat(selector).hasToString("app==web,!debug,env!=prod,tier notin (a,b),w<7,x>5,zone");
        assertThat(LabelSelector.parse(selector.toString())).hasToString(selector.toString());
    }

    @Test
    void emptyEntriesInAValueSetAreTheEmptyValue() {
        // labels.Parse documents "x in (foo,,baz)" and "z notin ()" as valid.
        assertThat(LabelSelector.parse("x in (foo,,baz)")).hasToString("x in (,baz,foo)");
        assertThat(LabelSelector.parse("x in (,a)")).hasToString("x in (,a)");
        assertThat(LabelSelector.parse("x in (a,)")).hasToString("x in (,a)");
        assertThat(LabelSelector.parse("z notin ()")).hasToString("z notin ()");
        assertThat(LabelSelector.parse("x in ()").matches(Map.of("x", ""))).isTrue();
    }

    @Test
    void inAndNotinAreOrdinaryWordsWhereAKeyOrValueStands() {
        LabelSelector selector = LabelSelector.parse("in=notin,x in (in,notin)");

        assertThat(selector).hasToString("in=notin,x in (in,notin)");
        assertThat(selector.matches(Map.of("in", "notin", "x", "in"))).isTrue();
    }

    @Test
    void keysMayHaveADnsSubdomainPrefix() {
        LabelSelector selector = LabelSelector.parse("app.kubernetes.io/name=web");

        assertThat(selector.matches(Map.of("app.kubernetes.io/name", "web"))).isTrue();
    }

    // --- errors, worded as Kubernetes words them ----------------------------------------

    @Test
    void aKeyThatIsNotAQualifiedNameIsRejectedWithTheNilPathKubernetesPrints() {
        // kubectl get pods -l "app:monolith" against a real cluster prints exactly this.
        assertThatThrownBy(() -> LabelSelector.parse("app:monolith"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unable to parse requirement: <nil>: Invalid value: \"app:monolith\": name part must "
                        + "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                        + "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                        + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    }

    @Test
    void aValueThatIsNotALabelValueIsReportedAtItsIndexAndKey() {
        assertThatThrownBy(() -> LabelSelector.parse("app=demo-{nginx}"))
                .hasMessage("unable to parse requirement: values[0][app]: Invalid value: \"demo-{nginx}\": a valid "
                        + "label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                        + "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  "
                        + "or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }

    @Test
    void greaterThanNeedsAnInteger() {
        assertThatThrownBy(() -> LabelSelector.parse("environment>qa"))
                .hasMessage("unable to parse requirement: values[0]: Invalid value: \"qa\": "
                        + "for 'Gt', 'Lt' operators, the value must be an integer");
    }

    @Test
    void severalProblemsInOneRequirementAreReportedTogetherInBrackets() {
        // "a-" is neither an integer nor a label value (it ends with '-').
        assertThatThrownBy(() -> LabelSelector.parse("x<a-"))
                .hasMessageStartingWith("unable to parse requirement: [values[0]: Invalid value: \"a-\": for 'Gt', "
                        + "'Lt' operators, the value must be an integer, values[0][x]: Invalid value: \"a-\": "
                        + "a valid label must be an empty string")
                .hasMessageEndingWith("]");
    }

    @Test
    void aWordWhereAnOperatorBelongsListsTheOperators() {
        // From real kubectl sessions: a forgotten "=" or "in", and an upper-case IN.
        assertThatThrownBy(() -> LabelSelector.parse("type=app,versionv1.0.1)"))
                .hasMessage("unable to parse requirement: found ')', expected: in, notin, =, ==, !=, gt, lt");
        assertThatThrownBy(() -> LabelSelector.parse("env IN (a)"))
                .hasMessage("unable to parse requirement: found 'IN', expected: in, notin, =, ==, !=, gt, lt");
        assertThatThrownBy(() -> LabelSelector.parse("e!!!!!ss"))
                .hasMessage("unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt");
    }

    @Test
    void malformedValueSetsSayWhatWasExpected() {
        assertThatThrownBy(() -> LabelSelector.parse("x in a"))
                .hasMessage("unable to parse requirement: found 'a' expected: '('");
        assertThatThrownBy(() -> LabelSelector.parse("x in (=)"))
                .hasMessage("unable to parse requirement: found '=', expected: ',', ')' or identifier");
        assertThatThrownBy(() -> LabelSelector.parse("x in (a b)"))
                .hasMessage("unable to parse requirement: found 'b', expected: ',' or ')'");
        assertThatThrownBy(() -> LabelSelector.parse("x in (a,=)"))
                .hasMessage("unable to parse requirement: found '=', expected: ',', or identifier");
        assertThatThrownBy(() -> LabelSelector.parse("x notin (a"))
                .hasMessage("unable to parse requirement: found '', expected: ',' or ')'");
    }

    @Test
    void aMissingKeyOrValueSaysAnIdentifierWasExpected() {
        assertThatThrownBy(() -> LabelSelector.parse("!"))
                .hasMessage("unable to parse requirement: found '', expected: identifier");
        assertThatThrownBy(() -> LabelSelector.parse("!=a"))
                .hasMessage("found '!=', expected: !, identifier, or 'end of string'");
        assertThatThrownBy(() -> LabelSelector.parse("x=("))
                .hasMessage("unable to parse requirement: found '(', expected: identifier");
    }

    @Test
    void whatFollowsARequirementMustBeACommaOrTheEnd() {
        // These are reported without "unable to parse requirement", as Kubernetes does.
        assertThatThrownBy(() -> LabelSelector.parse("a=b c"))
                .hasMessage("found 'c', expected: ',' or 'end of string'");
        assertThatThrownBy(() -> LabelSelector.parse("!a=b"))
                .hasMessage("found '=', expected: ',' or 'end of string'");
        assertThatThrownBy(() -> LabelSelector.parse("a,"))
                .hasMessage("found '', expected: identifier after ','");
        assertThatThrownBy(() -> LabelSelector.parse("a,,b"))
                .hasMessage("found ',', expected: identifier after ','");
        assertThatThrownBy(() -> LabelSelector.parse(",a"))
                .hasMessage("found ',', expected: !, identifier, or 'end of string'");
    }
}
