package dev.kthw.course;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kthw.course.SuiteRunner.Outcome;
import dev.kthw.course.SuiteRunner.Result;
import dev.kthw.course.SuiteRunner.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link Result} into what people and tools read: a summary for a person,
 * JUnit XML for CI dashboards, and Gradescope's {@code results.json}.
 */
public final class GradeReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GradeReport() {
    }

    /** Writes junit.xml, results.json and summary.txt into {@code dir}; returns their paths. */
    public static List<Path> write(Result result, String header, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path junit = dir.resolve("junit.xml");
        Path gradescope = dir.resolve("results.json");
        Path summary = dir.resolve("summary.txt");
        Files.writeString(junit, junitXml(result));
        Files.writeString(gradescope, JSON.writeValueAsString(gradescope(result, header)) + "\n");
        Files.writeString(summary, summary(result, header));
        return List.of(junit, gradescope, summary);
    }

    /** A person's view: the score, then each test with its points and, for failures, why. */
    public static String summary(Result result, String header) {
        StringBuilder s = new StringBuilder();
        s.append(header).append('\n');
        s.append(String.format("Lab %s, %s: %d of %d points (%d%%)%n", result.chapter().number(),
                result.chapter().title(), result.score(), result.maxScore(), percent(result)));
        if (!result.compiled()) {
            s.append('\n').append(result.problem()).append('\n');
        }
        if (!result.ignoredFiles().isEmpty()) {
            s.append("\nNot graded (only MODULE/src/main/... files are taken): ")
                    .append(String.join(", ", result.ignoredFiles())).append('\n');
        }
        s.append('\n');
        for (Outcome o : result.outcomes()) {
            s.append(String.format("  %-4s %2d/%-2d %-20s %s%n", label(o.status()), o.score(), o.test().points(),
                    o.test().task(), o.test().displayName()));
            if (o.status() == Status.FAILED) {
                o.output().lines().limit(3).forEach(line -> s.append("             ").append(line).append('\n'));
            }
        }
        s.append(String.format("%ngraded: %d passed, %d failed%n", count(result, Status.PASSED),
                result.outcomes().size() - count(result, Status.PASSED)));
        return s.toString();
    }

    static Map<String, Object> gradescope(Result result, String header) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("score", (double) result.score());
        root.put("execution_time", result.elapsed().toSeconds());
        root.put("output", header + "\n" + (result.compiled() ? "" : result.problem()));
        root.put("visibility", "visible");
        List<Map<String, Object>> tests = new ArrayList<>();
        int number = 1;
        for (Outcome o : result.outcomes()) {
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("name", o.test().displayName() + " [" + o.test().task() + "]");
            test.put("number", String.valueOf(number++));
            test.put("score", (double) o.score());
            test.put("max_score", (double) o.test().points());
            test.put("status", o.status() == Status.PASSED ? "passed" : "failed");
            test.put("output", o.output());
            tests.add(test);
        }
        root.put("tests", tests);
        return root;
    }

    static String junitXml(Result result) {
        int failures = result.outcomes().size() - count(result, Status.PASSED);
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<testsuites>\n");
        x.append(String.format("  <testsuite name=\"lab-%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"0\" "
                + "time=\"%d\">%n", result.chapter().id(), result.outcomes().size(), failures,
                result.elapsed().toSeconds()));
        x.append(String.format("    <properties><property name=\"score\" value=\"%d\"/>"
                + "<property name=\"max_score\" value=\"%d\"/></properties>%n", result.score(), result.maxScore()));
        for (Outcome o : result.outcomes()) {
            x.append(String.format("    <testcase classname=\"%s\" name=\"%s\">", escape(o.test().className()),
                    escape(o.test().method())));
            if (o.status() != Status.PASSED) {
                String first = o.output().lines().findFirst().orElse("failed");
                x.append(String.format("<failure message=\"%s\">%s</failure>", escape(first), escape(o.output())));
            }
            x.append("</testcase>\n");
        }
        x.append("  </testsuite>\n</testsuites>\n");
        return x.toString();
    }

    private static String label(Status status) {
        return switch (status) {
            case PASSED -> "PASS";
            case FAILED -> "FAIL";
            case NOT_RUN -> "----";
        };
    }

    private static int count(Result result, Status status) {
        return (int) result.outcomes().stream().filter(o -> o.status() == status).count();
    }

    private static int percent(Result result) {
        return result.maxScore() == 0 ? 0 : Math.round(100f * result.score() / result.maxScore());
    }

    /** XML text and attribute escaping; control characters a stack trace may hold are dropped. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
