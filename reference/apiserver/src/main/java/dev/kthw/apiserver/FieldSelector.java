package dev.kthw.apiserver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A field selector in the string form kubectl sends as {@code ?fieldSelector=}: the
 * {@code --field-selector} of {@code kubectl get pods --field-selector spec.nodeName=node-1}.
 *
 * <p>Much plainer than a {@link LabelSelector}: comma-separated terms, each
 * {@code field=value}, {@code field==value} (the same) or {@code field!=value}, all of
 * which must hold. A value may hold a comma, an equals sign or a backslash only escaped
 * with a backslash ({@code \,} {@code \=} {@code \\}); the field name cannot be escaped,
 * so the first operator in a term splits it.
 *
 * <p>Which fields exist is not this class's business: it compares strings in a map (a
 * field missing from the map compares as the empty string). {@link SelectableFields}
 * says which fields each kind offers and builds the map from an object.
 *
 * <p>Invariants: immutable; terms are sorted by their text as written, as Kubernetes
 * sorts them, so {@link #toString()} is canonical. Nothing is trimmed: in
 * {@code "a=b, c=d"} the second field is {@code " c"}, which no kind supports. That is
 * Kubernetes' behaviour too, and why kubectl users learn not to put spaces there.
 *
 * <p>Simpler than Kubernetes: no {@code Transform} (kube-apiserver uses it to rename the
 * legacy {@code spec.host} to {@code spec.nodeName} for pods) and no
 * {@code RequiresExactMatch} (for watch-cache indexes).
 */
public final class FieldSelector {

    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    /** One term. {@code value} is unescaped: {@code a\,b} in the string is {@code a,b} here. */
    private record Term(String field, boolean negated, String value) {

        boolean matches(Map<String, String> fields) {
            String actual = fields.getOrDefault(field, "");
            return negated != actual.equals(value);
        }

        @Override
        public String toString() {
            return field + (negated ? "!=" : "=") + escape(value);
        }
    }

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = List.copyOf(terms);
    }

    /**
     * Parses a selector string; null or empty selects everything.
     *
     * @throws IllegalArgumentException with Kubernetes' message for a term without an
     *                                  operator or a value with a bad escape
     */
    public static FieldSelector parse(String selector) {
        if (selector == null || selector.isEmpty()) {
            return EVERYTHING;
        }
        List<String> parts = splitTerms(selector);
        Collections.sort(parts);
        List<Term> terms = new ArrayList<>();
        for (String part : parts) {
            if (part.isEmpty()) {
                continue; // "a=b,,c=d" and a trailing comma are fine
            }
            Term term = parseTerm(selector, part);
            // Kubernetes drops a term whose field and value are both empty ("=" or
            // "!="): it selects nothing in particular, so it restricts nothing.
            if (!term.field().isEmpty() || !term.value().isEmpty()) {
                terms.add(term);
            }
        }
        return terms.isEmpty() ? EVERYTHING : new FieldSelector(terms);
    }

    /** The field names the selector uses, in the order of its terms. */
    public Set<String> fields() {
        Set<String> fields = new LinkedHashSet<>();
        for (Term term : terms) {
            fields.add(term.field());
        }
        return Collections.unmodifiableSet(fields);
    }

    /** True when every term holds; a field absent from the map (or a null map) is "". */
    public boolean matches(Map<String, String> fieldValues) {
        Map<String, String> actual = fieldValues == null ? Map.of() : fieldValues;
        for (Term term : terms) {
            if (!term.matches(actual)) {
                return false;
            }
        }
        return true;
    }

    /** True when the selector selects everything. */
    public boolean isEmpty() {
        return terms.isEmpty();
    }

    /** The canonical form: sorted terms, {@code ==} written {@code =}, values re-escaped. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Term term : terms) {
            parts.add(term.toString());
        }
        return String.join(",", parts);
    }

    /** Escapes a literal value for a field selector, as apimachinery's {@code fields.EscapeValue}. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
    }

    /**
     * Splits on the commas that are not escaped. The escapes stay in the parts: they are
     * undone per value, after the term is split at its operator.
     */
    private static List<String> splitTerms(String selector) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        boolean escaped = false;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == ',') {
                parts.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(selector.substring(start));
        return parts;
    }

    /**
     * Splits a term at the first place an operator starts. "!=" is tried before "==" and
     * "==" before "=", so {@code a==b} has the value {@code b}, not {@code =b}.
     */
    private static Term parseTerm(String selector, String term) {
        for (int i = 0; i < term.length(); i++) {
            for (String operator : new String[] {"!=", "==", "="}) {
                if (term.startsWith(operator, i)) {
                    String value = unescape(term.substring(i + operator.length()));
                    return new Term(term.substring(0, i), operator.equals("!="), value);
                }
            }
        }
        throw new IllegalArgumentException(
                "invalid selector: '" + selector + "'; can't understand '" + term + "'");
    }

    /**
     * Undoes {@code \\}, {@code \,} and {@code \=}. Any other backslash, a trailing one,
     * or a bare {@code ,} or {@code =} is an error: {@code a=b=c} is rejected rather than
     * guessed at.
     */
    private static String unescape(String raw) {
        StringBuilder value = new StringBuilder();
        boolean escaped = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (escaped) {
                if (c != '\\' && c != ',' && c != '=') {
                    throw new IllegalArgumentException(
                            "invalid field selector: invalid escape sequence: \\" + c);
                }
                value.append(c);
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == ',' || c == '=') {
                // Kubernetes formats the character with Go's %v, which prints a rune as
                // its number: '=' is reported as 61 and ',' as 44.
                throw new IllegalArgumentException(
                        "invalid field selector: unescaped character in value: " + (int) c);
            } else {
                value.append(c);
            }
        }
        if (escaped) {
            throw new IllegalArgumentException("invalid field selector: invalid escape sequence: \\");
        }
        return value.toString();
    }
}
