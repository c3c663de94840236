package dev.kthw.apiserver;

import dev.kthw.api.Validation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A label selector in the string form kubectl sends as {@code ?labelSelector=}: the
 * {@code -l} of {@code kubectl get pods -l 'app=web,tier in (front,back),!canary'}.
 *
 * <p>The string is a comma-separated list of requirements, and an object is selected
 * when every requirement holds for its labels (there is no "or"). A requirement is
 * {@code key}, {@code !key}, {@code key=value}, {@code key==value}, {@code key!=value},
 * {@code key in (a,b)}, {@code key notin (a,b)}, {@code key>5} or {@code key<5}.
 * The negative ones ({@code !key}, {@code !=}, {@code notin}) also hold when the label is
 * absent: {@code env!=prod} selects objects with no {@code env} label at all.
 *
 * <p>Invariants: a parsed selector is immutable and valid (every key is a qualified name,
 * every value a label value, every {@code >}/{@code <} value an integer), its requirements
 * are sorted by key and the values of {@code in}/{@code notin} are sorted and distinct,
 * so {@link #toString()} is canonical. An empty selector selects everything.
 *
 * <p>Parsing follows apimachinery's {@code labels.Parse} token by token, so odd inputs
 * fail (or succeed) as they would against a real cluster, with the same messages:
 * {@code unable to parse requirement: found ')', expected: in, notin, =, ==, !=, gt, lt}.
 *
 * <p>Simpler than Kubernetes: no {@code Nothing()} selector, no adding requirements to a
 * parsed selector, and no {@code RequiresExactMatch} (the watch cache uses it to pick an
 * index; we have no indexes). The {@code matchLabels}/{@code matchExpressions} selector
 * that objects such as Deployments carry is a different, structured form, not this one.
 */
public final class LabelSelector {

    private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    /** What a requirement asks of a label; {@code symbol} is Kubernetes' name for it ({@code selection.Operator}). */
    enum Operator {
        IN("in"), NOT_IN("notin"), EQUALS("="), DOUBLE_EQUALS("=="), NOT_EQUALS("!="),
        GREATER_THAN("gt"), LESS_THAN("lt"), EXISTS("exists"), DOES_NOT_EXIST("!");

        final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }
    }

    /** One condition on one label. {@code values} is sorted and has no duplicates. */
    record Requirement(String key, Operator operator, List<String> values) {

        boolean matches(Map<String, String> labels) {
            boolean present = labels.containsKey(key);
            String value = labels.get(key);
            return switch (operator) {
                case IN, EQUALS, DOUBLE_EQUALS -> present && values.contains(value);
                case NOT_IN, NOT_EQUALS -> !present || !values.contains(value);
                case EXISTS -> present;
                case DOES_NOT_EXIST -> !present;
                case GREATER_THAN, LESS_THAN -> present && compares(value);
            };
        }

        /** A label that is not an integer never satisfies {@code >} or {@code <}: no match, no error. */
        private boolean compares(String labelValue) {
            long actual;
            try {
                actual = Long.parseLong(labelValue);
            } catch (NumberFormatException notANumber) {
                return false;
            }
            long bound = Long.parseLong(values.get(0)); // checked when parsed
            return operator == Operator.GREATER_THAN ? actual > bound : actual < bound;
        }

        @Override
        public String toString() {
            return switch (operator) {
                case EXISTS -> key;
                case DOES_NOT_EXIST -> "!" + key;
                case IN -> key + " in (" + String.join(",", values) + ")";
                case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
                case GREATER_THAN -> key + ">" + values.get(0);
                case LESS_THAN -> key + "<" + values.get(0);
                case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> key + operator.symbol + values.get(0);
            };
        }
    }

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    /**
     * Parses a selector string; null, empty or blank selects everything.
     *
     * @throws IllegalArgumentException with Kubernetes' message when the string is not a
     *                                  valid selector
     */
    public static LabelSelector parse(String selector) {
        if (selector == null) {
            return EVERYTHING;
        }
        List<Requirement> parsed = new ArrayList<>(new Parser(selector).parse());
        if (parsed.isEmpty()) {
            return EVERYTHING;
        }
        // Kubernetes sorts by key so that the same selector always prints the same way.
        // Ours is a stable sort, so two requirements on one key also keep their order.
        parsed.sort(Comparator.comparing(Requirement::key));
        return new LabelSelector(parsed);
    }

    /** True when every requirement holds for these labels; null labels are no labels. */
    public boolean matches(Map<String, String> labels) {
        Map<String, String> actual = labels == null ? Map.of() : labels;
        for (Requirement requirement : requirements) {
            if (!requirement.matches(actual)) {
                return false;
            }
        }
        return true;
    }

    /** True when the selector selects everything. */
    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    /** The canonical form: {@code app=web,tier in (back,front)}; empty for everything. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Requirement requirement : requirements) {
            parts.add(requirement.toString());
        }
        return String.join(",", parts);
    }

    // ---------------------------------------------------------------------------------
    // The lexer: the whole string becomes a list of tokens first, so the parser can look
    // one token ahead. Whitespace separates tokens and is otherwise ignored.

    private enum TokenType {
        END, IDENTIFIER, NOT, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN,
        IN, NOT_IN, OPEN_PAREN, CLOSE_PAREN, COMMA
    }

    /** {@code text} is what the messages quote: "found ')'"; empty at the end. */
    private record Token(TokenType type, String text) {
    }

    private static List<Token> tokens(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < s.length() && isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i == s.length()) {
                tokens.add(new Token(TokenType.END, ""));
                return tokens;
            }
            char c = s.charAt(i);
            if (isSymbol(c)) {
                // "!=" and "==" are the only two-character symbols; "!!" is two "!".
                boolean twoChars = (c == '!' || c == '=') && i + 1 < s.length() && s.charAt(i + 1) == '=';
                String text = s.substring(i, twoChars ? i + 2 : i + 1);
                tokens.add(new Token(symbol(text), text));
                i += text.length();
            } else {
                int start = i;
                while (i < s.length() && !isSymbol(s.charAt(i)) && !isWhitespace(s.charAt(i))) {
                    i++;
                }
                String word = s.substring(start, i);
                TokenType type = word.equals("in") ? TokenType.IN
                        : word.equals("notin") ? TokenType.NOT_IN : TokenType.IDENTIFIER;
                tokens.add(new Token(type, word));
            }
        }
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isSymbol(char c) {
        return "=!(),<>".indexOf(c) >= 0;
    }

    private static TokenType symbol(String text) {
        return switch (text) {
            case "!" -> TokenType.NOT;
            case "=" -> TokenType.EQUALS;
            case "==" -> TokenType.DOUBLE_EQUALS;
            case "!=" -> TokenType.NOT_EQUALS;
            case ">" -> TokenType.GREATER_THAN;
            case "<" -> TokenType.LESS_THAN;
            case "(" -> TokenType.OPEN_PAREN;
            case ")" -> TokenType.CLOSE_PAREN;
            default -> TokenType.COMMA;
        };
    }

    // ---------------------------------------------------------------------------------
    // The parser: recursive descent over the tokens, one method per rule of the grammar
    //   selector    := requirement ("," requirement)*
    //   requirement := "!" KEY | KEY | KEY op VALUE | KEY ("in"|"notin") "(" values ")"

    private static final class Parser {
        private final List<Token> tokens;
        private int position;

        Parser(String selector) {
            this.tokens = tokens(selector);
        }

        /**
         * The next token without consuming it. Where a key or a value may stand, "in" and
         * "notin" are plain words: {@code in=notin} is a valid selector. Only
         * {@link #nextOperator()} sees them as keywords.
         */
        private Token peek() {
            return asWord(tokens.get(position));
        }

        private Token next() {
            return asWord(tokens.get(position++));
        }

        private Token nextOperator() {
            return tokens.get(position++);
        }

        private static Token asWord(Token t) {
            boolean keyword = t.type() == TokenType.IN || t.type() == TokenType.NOT_IN;
            return keyword ? new Token(TokenType.IDENTIFIER, t.text()) : t;
        }

        List<Requirement> parse() {
            List<Requirement> requirements = new ArrayList<>();
            while (true) {
                Token t = peek();
                if (t.type() == TokenType.END) {
                    return requirements;
                }
                if (t.type() != TokenType.IDENTIFIER && t.type() != TokenType.NOT) {
                    throw error("found '%s', expected: !, identifier, or 'end of string'", t.text());
                }
                try {
                    requirements.add(requirement());
                } catch (IllegalArgumentException e) {
                    // Only a failure inside one requirement gets this prefix; the checks
                    // on what follows a requirement below report without it.
                    throw new IllegalArgumentException("unable to parse requirement: " + e.getMessage());
                }
                Token after = next();
                if (after.type() == TokenType.END) {
                    return requirements;
                }
                if (after.type() != TokenType.COMMA) {
                    throw error("found '%s', expected: ',' or 'end of string'", after.text());
                }
                Token following = peek();
                if (following.type() != TokenType.IDENTIFIER && following.type() != TokenType.NOT) {
                    throw error("found '%s', expected: identifier after ','", following.text());
                }
            }
        }

        private Requirement requirement() {
            Token t = next();
            boolean negated = t.type() == TokenType.NOT;
            if (negated) {
                t = next();
            }
            if (t.type() != TokenType.IDENTIFIER) {
                throw error("found '%s', expected: identifier", t.text());
            }
            String key = t.text();
            List<String> keyErrors = Validation.isQualifiedName(key);
            if (!keyErrors.isEmpty()) {
                // Kubernetes validates the key with no field path, and prints the missing
                // path as "<nil>". Odd, but it is what users see and search for.
                throw error("<nil>: Invalid value: %s: %s", goQuote(key), String.join("; ", keyErrors));
            }
            // "!key" ends the requirement even when more follows: "!a=b" fails on the
            // "=", as the next requirement's separator, not here.
            if (negated) {
                return new Requirement(key, Operator.DOES_NOT_EXIST, List.of());
            }
            TokenType following = peek().type();
            if (following == TokenType.END || following == TokenType.COMMA) {
                return new Requirement(key, Operator.EXISTS, List.of());
            }
            Operator operator = operator();
            List<String> values = operator == Operator.IN || operator == Operator.NOT_IN ? valueSet() : singleValue();
            checkValues(key, operator, values);
            return new Requirement(key, operator, values);
        }

        private Operator operator() {
            Token t = nextOperator();
            return switch (t.type()) {
                case IN -> Operator.IN;
                case NOT_IN -> Operator.NOT_IN;
                case EQUALS -> Operator.EQUALS;
                case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
                case NOT_EQUALS -> Operator.NOT_EQUALS;
                case GREATER_THAN -> Operator.GREATER_THAN;
                case LESS_THAN -> Operator.LESS_THAN;
                default -> throw error("found '%s', expected: in, notin, =, ==, !=, gt, lt", t.text());
            };
        }

        /** The value after {@code =}, {@code ==}, {@code !=}, {@code >} or {@code <}; may be empty ({@code env=}). */
        private List<String> singleValue() {
            TokenType following = peek().type();
            if (following == TokenType.END || following == TokenType.COMMA) {
                return List.of("");
            }
            Token t = next();
            if (t.type() != TokenType.IDENTIFIER) {
                throw error("found '%s', expected: identifier", t.text());
            }
            return List.of(t.text());
        }

        /**
         * The parenthesised list after {@code in} or {@code notin}. Empty entries are the
         * empty value: {@code ()}, {@code (,a)} and {@code (a,)} all contain "".
         */
        private List<String> valueSet() {
            Token open = next();
            if (open.type() != TokenType.OPEN_PAREN) {
                throw error("found '%s' expected: '('", open.text()); // sic: no comma in Kubernetes
            }
            Token first = peek();
            if (first.type() == TokenType.CLOSE_PAREN) {
                next();
                return List.of("");
            }
            if (first.type() != TokenType.IDENTIFIER && first.type() != TokenType.COMMA) {
                throw error("found '%s', expected: ',', ')' or identifier", first.text());
            }
            TreeSet<String> values = new TreeSet<>();
            while (true) {
                Token t = next();
                if (t.type() == TokenType.IDENTIFIER) {
                    values.add(t.text());
                    Token following = peek();
                    if (following.type() == TokenType.CLOSE_PAREN) {
                        next();
                        return List.copyOf(values);
                    }
                    if (following.type() != TokenType.COMMA) {
                        throw error("found '%s', expected: ',' or ')'", following.text());
                    }
                } else if (t.type() == TokenType.COMMA) {
                    if (values.isEmpty()) {
                        values.add(""); // a leading comma: "(,a)"
                    }
                    TokenType following = peek().type();
                    if (following == TokenType.CLOSE_PAREN) {
                        next();
                        values.add(""); // a trailing comma: "(a,)"
                        return List.copyOf(values);
                    }
                    if (following == TokenType.COMMA) {
                        next();
                        values.add(""); // two commas in a row: "(a,,b)"
                    }
                } else {
                    throw error("found '%s', expected: ',', or identifier", t.text());
                }
            }
        }

        /**
         * What apimachinery's {@code NewRequirement} checks once the syntax is right. It
         * collects every problem, as field errors on {@code values[i]}, and reports one
         * alone or all of them in brackets.
         */
        private static void checkValues(String key, Operator operator, List<String> values) {
            List<String> errors = new ArrayList<>();
            if (operator == Operator.GREATER_THAN || operator == Operator.LESS_THAN) {
                for (int i = 0; i < values.size(); i++) {
                    try {
                        Long.parseLong(values.get(i));
                    } catch (NumberFormatException e) {
                        errors.add("values[" + i + "]: Invalid value: " + goQuote(values.get(i))
                                + ": for 'Gt', 'Lt' operators, the value must be an integer");
                    }
                }
            }
            for (int i = 0; i < values.size(); i++) {
                List<String> valueErrors = Validation.isValidLabelValue(values.get(i));
                if (!valueErrors.isEmpty()) {
                    errors.add("values[" + i + "][" + key + "]: Invalid value: " + goQuote(values.get(i))
                            + ": " + String.join("; ", valueErrors));
                }
            }
            if (errors.size() == 1) {
                throw new IllegalArgumentException(errors.get(0));
            }
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("[" + String.join(", ", errors) + "]");
            }
        }

        private static IllegalArgumentException error(String format, Object... args) {
            return new IllegalArgumentException(String.format(format, args));
        }
    }

    /** A string in double quotes, escaped as Go's {@code %q} does for the characters labels meet. */
    static String goQuote(String s) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\r' -> quoted.append("\\r");
                default -> quoted.append(c < 0x20 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
        }
        return quoted.append('"').toString();
    }
}
