package dev.kthw.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The string checks behind every Kubernetes name, label and annotation.
 *
 * <p>Each check returns a list of messages: empty when the value is fine, otherwise the
 * exact sentences Kubernetes prints (apimachinery's {@code util/validation}), so an
 * error from our API server reads like one from a real cluster. Callers wrap each
 * message in a {@link FieldError} for the field they checked.
 *
 * <p>Why so many rules? Names end up in URLs ({@code /api/v1/namespaces/NS/pods/NAME}),
 * in DNS ({@code NAME.NS.svc.cluster.local} for a Service), in etcd keys and in file
 * names on nodes. A DNS-1123 label is safe in all of them.
 */
public final class Validation {

    // tag::formats[]
    /** One DNS label: lowercase letters, digits and '-', alphanumeric at both ends. */
    static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    static final int DNS1123_LABEL_MAX_LENGTH = 63;
    static final String DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case "
            + "alphanumeric characters or '-', and must start and end with an alphanumeric character";

    /** Labels joined by dots, like a host name: {@code my-app.example.com}. */
    static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    static final int DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
    static final String DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower "
            + "case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    /** Like a DNS-1123 label, but it must start with a letter (Service names). */
    static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    static final String DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric "
            + "characters or '-', start with an alphabetic character, and end with an alphanumeric character";

    /** The name part of a label key: upper case and '_' allowed, alphanumeric at both ends. */
    static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    static final int QUALIFIED_NAME_MAX_LENGTH = 63;
    static final String QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', "
            + "and must start and end with an alphanumeric character";

    /** A label value is empty, or a qualified name. */
    static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
    static final int LABEL_VALUE_MAX_LENGTH = 63;
    static final String LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    // end::formats[]

    static final Pattern DNS1123_LABEL = Pattern.compile(DNS1123_LABEL_FMT);
    static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);
    static final Pattern DNS1035_LABEL = Pattern.compile(DNS1035_LABEL_FMT);
    static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_FMT);
    static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);

    private Validation() {
    }

    // tag::dns1035-label[]
    /** Checks a DNS-1035 label, the rule for Service names. A worked example for the lab. */
    public static List<String> isDns1035Label(String value) {
        List<String> errors = new ArrayList<>();
        if (value.length() > DNS1123_LABEL_MAX_LENGTH) {
            errors.add(maxLenError(DNS1123_LABEL_MAX_LENGTH));
        }
        if (!DNS1035_LABEL.matcher(value).matches()) {
            errors.add(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"));
        }
        return errors;
    }
    // end::dns1035-label[]

    /** Checks a DNS-1123 label, the rule for Namespace names and many others. */
    public static List<String> isDns1123Label(String value) {
        // TODO lab 01, task dns1123-label:
        // Return Kubernetes' messages for a value that is not a DNS-1123 label: one
        // from maxLenError when it is longer than 63 characters, one from regexError
        // (examples "my-name" and "123-abc") when it does not match the pattern.
        // isDns1035Label above has the same shape.
        throw new UnsupportedOperationException("lab 01, task dns1123-label: not written yet (see labs/01-api-server/README.adoc)");
    }

    /** Checks a DNS-1123 subdomain, the rule for most object names (Pods, ConfigMaps, ...). */
    public static List<String> isDns1123Subdomain(String value) {
        // TODO lab 01, task dns1123-subdomain:
        // Like a label, but at most 253 characters and dots allowed between labels.
        // The example for regexError is "example.com".
        throw new UnsupportedOperationException("lab 01, task dns1123-subdomain: not written yet (see labs/01-api-server/README.adoc)");
    }

    /**
     * Checks a qualified name, the rule for label and annotation keys: an optional
     * DNS-subdomain prefix and a slash, then a name ({@code app.kubernetes.io/name}).
     */
    public static List<String> isQualifiedName(String value) {
        // TODO lab 01, task qualified-name:
        // Split on '/'. With two parts the first is a prefix: "prefix part must be
        // non-empty" when empty, else each isDns1123Subdomain message prefixed with
        // "prefix part ". More than two parts: one message, see QUALIFIED_NAME_ERROR.
        // Then the name: "name part must be non-empty", "name part " + maxLenError(63),
        // or "name part " + regexError(QUALIFIED_NAME_MSG, ..., "MyName", "my.name", "123-abc").
        throw new UnsupportedOperationException("lab 01, task qualified-name: not written yet (see labs/01-api-server/README.adoc)");
    }

    /** Checks a label value: empty, or at most 63 characters of a qualified name. */
    public static List<String> isValidLabelValue(String value) {
        // TODO lab 01, task label-value:
        // At most 63 characters, and matching LABEL_VALUE (which allows ""). The
        // regexError examples are "MyValue", "my_value" and "12345".
        throw new UnsupportedOperationException("lab 01, task label-value: not written yet (see labs/01-api-server/README.adoc)");
    }

    static final String EMPTY_ERROR = "must be non-empty";

    /** What Kubernetes says for a key with more than one '/'. */
    static final String QUALIFIED_NAME_ERROR = "a qualified name "
            + regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";

    // tag::messages[]
    /** {@code must be no more than 63 characters} */
    static String maxLenError(int length) {
        return "must be no more than " + length + " characters";
    }

    /**
     * The rule, examples and the pattern, exactly as Kubernetes words it, double space
     * included: {@code ... (e.g. 'my-name',  or '123-abc', regex used for validation is '...')}.
     */
    static String regexError(String msg, String format, String... examples) {
        if (examples.length == 0) {
            return msg + " (regex used for validation is '" + format + "')";
        }
        StringBuilder s = new StringBuilder(msg).append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            if (i > 0) {
                s.append(" or ");
            }
            s.append('\'').append(examples[i]).append("', ");
        }
        return s.append("regex used for validation is '").append(format).append("')").toString();
    }
    // end::messages[]
}
