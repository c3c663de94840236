package dev.kthw.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kthw.testing.Graded;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Chapter 01, "Validating objects": names, label keys and values, and object metadata
 * are checked exactly as Kubernetes checks them, with Kubernetes' own messages, so that
 * kubectl shows the same errors against kthw as against a real cluster.
 */
@Tag("ch01")
class ObjectValidationTest {

    static final String LABEL_RULE = "a lowercase RFC 1123 label must consist of lower case alphanumeric "
            + "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
            + "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    static final String SUBDOMAIN_RULE = "a lowercase RFC 1123 subdomain must consist of lower case "
            + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character "
            + "(e.g. 'example.com', regex used for validation is "
            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    static final String NAME_PART_RULE = "name part must consist of alphanumeric characters, '-', '_' or '.', "
            + "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
            + "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    static final String VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
            + "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
            + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    // --- DNS-1123 labels: Namespace names (chapter 01, "Names") ---

    @Test
    @Graded(points = 2, task = "dns1123-label")
    void typicalNamespaceNamesAreLabels() {
        for (String name : List.of("default", "kube-system", "a", "123-abc", "x".repeat(63))) {
            assertThat(Validation.isDns1123Label(name)).as(name).isEmpty();
        }
    }

    @Test
    @Graded(points = 2, task = "dns1123-label")
    void labelRejectsUpperCaseDotsAndEdgeDashes() {
        for (String name : List.of("Default", "my.name", "-abc", "abc-", "", "a_b")) {
            assertThat(Validation.isDns1123Label(name)).as(name).containsExactly(LABEL_RULE);
        }
    }

    @Test
    @Graded(points = 1, task = "dns1123-label")
    void labelLongerThan63IsTooLong() {
        assertThat(Validation.isDns1123Label("a".repeat(64)))
                .containsExactly("must be no more than 63 characters");
    }

    @Test
    @Graded(points = 1, task = "dns1123-label")
    void labelCanBreakBothRules() {
        assertThat(Validation.isDns1123Label("A".repeat(64)))
                .containsExactly("must be no more than 63 characters", LABEL_RULE);
    }

    // --- DNS-1123 subdomains: most object names (chapter 01, "Names") ---

    @Test
    @Graded(points = 2, task = "dns1123-subdomain")
    void typicalObjectNamesAreSubdomains() {
        for (String name : List.of("nginx", "web-7d4b9c", "example.com", "a.b-c.d", "x".repeat(253))) {
            assertThat(Validation.isDns1123Subdomain(name)).as(name).isEmpty();
        }
    }

    @Test
    @Graded(points = 2, task = "dns1123-subdomain")
    void subdomainRejectsEmptyLabelsAndUpperCase() {
        for (String name : List.of("My-App", "a..b", ".a", "a.", "a_b", "")) {
            assertThat(Validation.isDns1123Subdomain(name)).as(name).containsExactly(SUBDOMAIN_RULE);
        }
    }

    @Test
    @Graded(points = 1, task = "dns1123-subdomain")
    void subdomainLongerThan253IsTooLong() {
        assertThat(Validation.isDns1123Subdomain("a".repeat(254)))
                .containsExactly("must be no more than 253 characters");
    }

    // --- Qualified names: label and annotation keys (chapter 01, "Labels") ---

    @Test
    @Graded(points = 2, task = "qualified-name")
    void qualifiedNamesWithAndWithoutPrefix() {
        for (String key : List.of("app", "App_Name", "my.name", "app.kubernetes.io/name",
                "example.com/MyName", "x".repeat(63))) {
            assertThat(Validation.isQualifiedName(key)).as(key).isEmpty();
        }
    }

    @Test
    @Graded(points = 2, task = "qualified-name")
    void namePartMustStartAndEndAlphanumeric() {
        assertThat(Validation.isQualifiedName("-app")).containsExactly(NAME_PART_RULE);
        assertThat(Validation.isQualifiedName("example.com/app_")).containsExactly(NAME_PART_RULE);
    }

    @Test
    @Graded(points = 2, task = "qualified-name")
    void emptyPrefixAndEmptyName() {
        assertThat(Validation.isQualifiedName("/app")).containsExactly("prefix part must be non-empty");
        assertThat(Validation.isQualifiedName("example.com/"))
                .containsExactly("name part must be non-empty", NAME_PART_RULE);
    }

    @Test
    @Graded(points = 1, task = "qualified-name")
    void prefixMustBeASubdomain() {
        assertThat(Validation.isQualifiedName("Example.com/app"))
                .containsExactly("prefix part " + SUBDOMAIN_RULE);
    }

    @Test
    @Graded(points = 1, task = "qualified-name")
    void nameLongerThan63IsTooLong() {
        assertThat(Validation.isQualifiedName("example.com/" + "a".repeat(64)))
                .containsExactly("name part must be no more than 63 characters");
    }

    @Test
    @Graded(points = 1, task = "qualified-name")
    void twoSlashesAreNeverAQualifiedName() {
        assertThat(Validation.isQualifiedName("a/b/c")).containsExactly("a qualified name must consist of "
                + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                + "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' "
                + "(e.g. 'example.com/MyName')");
    }

    // --- Label values (chapter 01, "Labels") ---

    @Test
    @Graded(points = 2, task = "label-value")
    void labelValuesMayBeEmpty() {
        for (String value : List.of("", "nginx", "v1.2.3", "My_Value", "x".repeat(63))) {
            assertThat(Validation.isValidLabelValue(value)).as(value).isEmpty();
        }
    }

    @Test
    @Graded(points = 2, task = "label-value")
    void labelValueRejectsSpacesSlashesAndEdges() {
        for (String value : List.of("two words", "a/b", "-x", "x.", "über")) {
            assertThat(Validation.isValidLabelValue(value)).as(value).containsExactly(VALUE_RULE);
        }
    }

    @Test
    @Graded(points = 1, task = "label-value")
    void labelValueLongerThan63IsTooLong() {
        assertThat(Validation.isValidLabelValue("v".repeat(64)))
                .containsExactly("must be no more than 63 characters");
    }

    // --- Label maps (chapter 01, "Labels") ---

    @Test
    @Graded(points = 2, task = "labels")
    void goodLabelsPass() {
        assertThat(ObjectMetaValidation.validateLabels(
                Map.of("app", "web", "app.kubernetes.io/version", "1.2", "empty", ""), "metadata.labels"))
                .isEmpty();
    }

    @Test
    @Graded(points = 2, task = "labels")
    void badKeyAndBadValueAreInvalidOnTheMap() {
        List<FieldError> errors = ObjectMetaValidation.validateLabels(
                Map.of("-bad", "ok", "tier", "front end"), "metadata.labels");
        assertThat(errors).extracting(FieldError::toString).containsExactly(
                "metadata.labels: Invalid value: \"-bad\": " + NAME_PART_RULE,
                "metadata.labels: Invalid value: \"front end\": " + VALUE_RULE);
    }

    // --- Object metadata (chapter 01, "Validating objects") ---

    @Test
    @Graded(points = 2, task = "object-meta")
    void aGoodPodPasses() {
        ObjectMeta meta = ObjectMeta.named("default", "nginx").withLabels(Map.of("app", "nginx"));
        assertThat(ObjectMetaValidation.validate(meta, true, ObjectMetaValidation.DNS_SUBDOMAIN)).isEmpty();
    }

    @Test
    @Graded(points = 2, task = "object-meta")
    void nameIsRequired() {
        List<FieldError> errors = ObjectMetaValidation.validate(
                ObjectMeta.named("default", null), true, ObjectMetaValidation.DNS_SUBDOMAIN);
        assertThat(errors).extracting(FieldError::toString)
                .containsExactly("metadata.name: Required value: name or generateName is required");
        assertThat(errors.get(0).type().reason).isEqualTo("FieldValueRequired");
    }

    @Test
    @Graded(points = 2, task = "object-meta")
    void nameFollowsTheKindsRule() {
        ObjectMeta meta = ObjectMeta.named(null, "Team-A");
        assertThat(ObjectMetaValidation.validate(meta, false, ObjectMetaValidation.DNS_LABEL))
                .extracting(FieldError::toString)
                .containsExactly("metadata.name: Invalid value: \"Team-A\": " + LABEL_RULE);
    }

    @Test
    @Graded(points = 2, task = "object-meta")
    void namespacedKindsNeedANamespace() {
        assertThat(ObjectMetaValidation.validate(ObjectMeta.named(null, "nginx"), true,
                ObjectMetaValidation.DNS_SUBDOMAIN))
                .extracting(FieldError::toString)
                .containsExactly("metadata.namespace: Required value");
        assertThat(ObjectMetaValidation.validate(ObjectMeta.named("Prod", "nginx"), true,
                ObjectMetaValidation.DNS_SUBDOMAIN))
                .extracting(FieldError::toString)
                .containsExactly("metadata.namespace: Invalid value: \"Prod\": " + LABEL_RULE);
    }

    @Test
    @Graded(points = 2, task = "object-meta")
    void clusterScopedKindsForbidANamespace() {
        assertThat(ObjectMetaValidation.validate(ObjectMeta.named("default", "node-1"), false,
                ObjectMetaValidation.DNS_SUBDOMAIN))
                .extracting(FieldError::toString)
                .containsExactly("metadata.namespace: Forbidden: not allowed on this type");
    }

    @Test
    @Graded(points = 2, task = "object-meta")
    void generateNameIsCheckedAsAPrefix() {
        ObjectMeta ok = ObjectMeta.named("default", "web-x7k2p").withGenerateName("web-");
        assertThat(ObjectMetaValidation.validate(ok, true, ObjectMetaValidation.DNS_SUBDOMAIN)).isEmpty();
        ObjectMeta bad = ObjectMeta.named("default", "web-x7k2p").withGenerateName("Web-");
        assertThat(ObjectMetaValidation.validate(bad, true, ObjectMetaValidation.DNS_SUBDOMAIN))
                .extracting(FieldError::field).containsExactly("metadata.generateName");
    }

    @Test
    @Graded(points = 2, task = "object-meta")
    void everyProblemIsReportedInOrder() {
        ObjectMeta meta = new ObjectMeta("Bad_Name", null, null, null, null, null, null, null, null,
                Map.of("ok", "yes", "x/y/z", "v"), Map.of("Example.com/Owner", "team"), null, null);
        assertThat(ObjectMetaValidation.validate(meta, true, ObjectMetaValidation.DNS_SUBDOMAIN))
                .extracting(FieldError::field)
                .containsExactly("metadata.name", "metadata.namespace", "metadata.labels");
    }

    @Test
    @Graded(points = 2, task = "object-meta")
    void annotationsTogetherAreLimitedTo256KiB() {
        ObjectMeta meta = ObjectMeta.named("default", "big")
                .withAnnotations(Map.of("note", "x".repeat(256 * 1024)));
        assertThat(ObjectMetaValidation.validate(meta, true, ObjectMetaValidation.DNS_SUBDOMAIN))
                .extracting(FieldError::toString)
                .containsExactly("metadata.annotations: Too long: may not be more than 262144 bytes");
    }

    // --- The Status the API server sends for all this (chapter 01, "Errors") ---

    @Test
    @Graded(points = 2, task = "object-meta")
    void invalidObjectsBecomeA422Status() {
        List<FieldError> errors = ObjectMetaValidation.validate(ObjectMeta.named("default", "Nginx"), true,
                ObjectMetaValidation.DNS_SUBDOMAIN);
        Status status = Status.invalid("", "Pod", "Nginx", errors);
        assertThat(status.code()).isEqualTo(422);
        assertThat(status.reason()).isEqualTo("Invalid");
        assertThat(status.message()).isEqualTo("Pod \"Nginx\" is invalid: metadata.name: Invalid value: "
                + "\"Nginx\": " + SUBDOMAIN_RULE);
        assertThat(status.details().causes()).singleElement().satisfies(cause -> {
            assertThat(cause.reason()).isEqualTo("FieldValueInvalid");
            assertThat(cause.field()).isEqualTo("metadata.name");
        });
    }
}
