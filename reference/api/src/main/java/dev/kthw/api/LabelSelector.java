package dev.kthw.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The object form of a label selector, as it appears inside objects: a ReplicaSet's
 * {@code spec.selector}, a pod affinity term, a topology spread constraint.
 *
 * <p>{@code matchLabels} and every {@code matchExpressions} entry must all hold (AND).
 * Two edge cases callers must keep apart, as Kubernetes does: an empty selector ({}) matches
 * every object, while a missing one (null where a selector is optional) matches none; this
 * record is the empty case, the caller decides what null means.
 *
 * <p>The query-string form ({@code ?labelSelector=app=web,tier!=db}) is parsed by the API
 * server; both end in the same four operators.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

    /** One expression: {@code key In (a, b)}, {@code NotIn}, {@code Exists} or {@code DoesNotExist}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Requirement(String key, String operator, List<String> values) {
        public Requirement {
            values = values == null ? List.of() : List.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            switch (operator) {
                case "In":
                    return labels.containsKey(key) && values.contains(labels.get(key));
                case "NotIn":
                    return !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists":
                    return labels.containsKey(key);
                case "DoesNotExist":
                    return !labels.containsKey(key);
                default:
                    throw new IllegalArgumentException("\"" + operator + "\" is not a valid label selector operator");
            }
        }
    }

    public LabelSelector {
        matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
        matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
    }

    /** Selects the objects carrying every one of these labels. */
    public static LabelSelector of(Map<String, String> matchLabels) {
        return new LabelSelector(matchLabels, List.of());
    }

    public boolean isEmpty() {
        return matchLabels.isEmpty() && matchExpressions.isEmpty();
    }

    /** Whether an object with these labels is selected; null labels are no labels. */
    public boolean matches(Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(l.get(e.getKey()))) {
                return false;
            }
        }
        for (Requirement r : matchExpressions) {
            if (!r.matches(l)) {
                return false;
            }
        }
        return true;
    }
}
