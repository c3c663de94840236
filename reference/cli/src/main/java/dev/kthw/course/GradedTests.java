package dev.kthw.course;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The graded tests of the chapter suites, read from the test sources: which chapter,
 * which class and method, which lab task, how many points.
 *
 * <p>Read from source rather than by running JUnit so the grader knows what a suite is
 * worth even when a submission does not compile. The price is a strict form: a suite
 * file carries {@code @Tag("chNN")}, and each graded test
 * {@code @Graded(points = N, task = "name")} on one line before its method.
 */
public final class GradedTests {

    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");
    private static final Pattern CHAPTER_TAG = Pattern.compile("@Tag\\(\"(ch\\d\\d)\"\\)");
    private static final Pattern GRADED = Pattern.compile(
            "@Graded\\(\\s*points\\s*=\\s*(\\d+)\\s*,\\s*task\\s*=\\s*\"([a-z0-9-]+)\"\\s*\\)");
    /** Comments are blanked before scanning, so documentation can show the annotation. */
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\n]*", Pattern.DOTALL);
    private static final Pattern METHOD = Pattern.compile("void\\s+(\\w+)\\s*\\(");

    /** One graded test. {@code className} is fully qualified. */
    public record GradedTest(String chapterTag, String className, String method, String task, int points) {
        /** {@code ObjectValidationTest.nameIsRequired}, how reports name a test. */
        public String displayName() {
            return className.substring(className.lastIndexOf('.') + 1) + "." + method;
        }
    }

    private GradedTests() {
    }

    /** Every graded test under {@code testSources}, sorted by chapter, class, then source order. */
    public static List<GradedTest> scan(Path testSources) {
        List<GradedTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.walk(testSources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                tests.addAll(scanFile(file, Files.readString(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tests.sort(Comparator.comparing(GradedTest::chapterTag).thenComparing(GradedTest::className));
        return tests;
    }

    /** The graded tests of one chapter. */
    public static List<GradedTest> forChapter(Path testSources, String chapterTag) {
        return scan(testSources).stream().filter(t -> t.chapterTag().equals(chapterTag)).toList();
    }

    static List<GradedTest> scanFile(Path file, String text) {
        String source = COMMENT.matcher(text).replaceAll(" ");
        Matcher graded = GRADED.matcher(source);
        if (!graded.find()) {
            return List.of();
        }
        Matcher tag = CHAPTER_TAG.matcher(source);
        if (!tag.find()) {
            throw new IllegalArgumentException(file + ": has @Graded tests but no @Tag(\"chNN\")");
        }
        Matcher pkg = PACKAGE.matcher(source);
        String simpleName = file.getFileName().toString().replaceFirst("\\.java$", "");
        String className = pkg.find() ? pkg.group(1) + "." + simpleName : simpleName;
        List<GradedTest> tests = new ArrayList<>();
        do {
            Matcher method = METHOD.matcher(source);
            if (!method.find(graded.end())) {
                throw new IllegalArgumentException(file + ": @Graded with no test method after it");
            }
            tests.add(new GradedTest(tag.group(1), className, method.group(1), graded.group(2),
                    Integer.parseInt(graded.group(1))));
        } while (graded.find());
        return tests;
    }
}
