package dev.kthw.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Kubernetes writes them in flags and configuration files (Go's
 * {@code time.ParseDuration}): {@code 5m}, {@code 1h30m}, {@code 300s}, {@code 500ms}, {@code 0}.
 *
 * <p>Simpler than Go: whole numbers only, and no {@code us} or {@code ns}; no flag or file
 * of ours needs them.
 */
public final class GoDuration {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    private GoDuration() {
    }

    /** The duration; an IllegalArgumentException naming the text if it is none. */
    public static Duration parse(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 5m, 1h or 300s");
        }
        return total;
    }
}
