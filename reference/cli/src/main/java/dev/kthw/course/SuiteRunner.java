package dev.kthw.course;

import dev.kthw.course.Course.Chapter;
import dev.kthw.course.GradedTests.GradedTest;
import dev.kthw.course.SurefireReports.Case;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one chapter suite against the reference, or against a lab laid over it.
 *
 * <p>The build inputs (pom.xml, reference/, tests/) are copied to a fresh temporary
 * directory; the lab's files replace the reference files at the same paths; then Maven
 * builds the suite's module and runs the tests tagged with the chapter (and with no later
 * chapter: {@link #tagExpression}). Nothing is ever written to the repository or to the
 * lab. Only files under a module's src/main/ are taken from a lab: a submission can
 * change the code under test, never the tests.
 *
 * <p>Limits: every test has a timeout (JUnit's, in a separate thread so a busy loop
 * cannot stop it), and the whole build another; a test that did not report scores 0.
 */
public final class SuiteRunner {

    /** How one graded test went. */
    public enum Status { PASSED, FAILED, NOT_RUN }

    public record Outcome(GradedTest test, Status status, String output) {
        public int score() {
            return status == Status.PASSED ? test.points() : 0;
        }
    }

    /** The outcome of a run; {@code compiled} is false when the build stopped before the tests. */
    public record Result(Chapter chapter, List<Outcome> outcomes, boolean compiled, String problem, Duration elapsed,
                         List<String> ignoredFiles) {
        public int score() {
            return outcomes.stream().mapToInt(Outcome::score).sum();
        }

        public int maxScore() {
            return outcomes.stream().mapToInt(o -> o.test().points()).sum();
        }
    }

    private final Course course;
    private final Duration testTimeout;
    private final Duration buildTimeout;

    public SuiteRunner(Course course, Duration testTimeout, Duration buildTimeout) {
        this.course = course;
        this.testTimeout = testTimeout;
        this.buildTimeout = buildTimeout;
    }

    /** Runs {@code chapter}'s suite with {@code lab} laid over the reference (null: the reference alone). */
    public Result run(Chapter chapter, Path lab) throws IOException, InterruptedException {
        List<GradedTest> graded = GradedTests.forChapter(course.tests().resolve("src/test/java"), chapter.tag());
        long start = System.nanoTime();
        Path work = Files.createTempDirectory("kthw-suite-");
        try {
            copyBuildInputs(course.root(), work);
            List<String> ignored = lab == null ? List.of() : overlay(lab, work);
            Build build = maven(work, chapter);
            List<Case> cases = SurefireReports.read(work.resolve("tests/target/surefire-reports"));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (cases.isEmpty() && build.exitCode() != 0) {
                String problem = build.timedOut()
                        ? "the build did not finish within " + buildTimeout.toSeconds() + " s"
                        : "the submission does not compile:\n" + compilerErrors(build.output());
                return new Result(chapter, notRun(graded, problem), false, problem, elapsed, ignored);
            }
            return new Result(chapter, outcomes(graded, cases), true, "", elapsed, ignored);
        } finally {
            if (System.getenv("KTHW_KEEP_TMP") == null) {
                Trees.delete(work);
            }
        }
    }

    private static List<Outcome> notRun(List<GradedTest> graded, String why) {
        return graded.stream().map(t -> new Outcome(t, Status.NOT_RUN, why)).toList();
    }

    /** A graded test passes when every run of it passed; a skip or a missing report scores 0. */
    private static List<Outcome> outcomes(List<GradedTest> graded, List<Case> cases) {
        List<Outcome> outcomes = new ArrayList<>();
        for (GradedTest test : graded) {
            List<Case> runs = cases.stream()
                    .filter(c -> c.className().equals(test.className()) && c.isRunOf(test.method())).toList();
            if (runs.isEmpty()) {
                outcomes.add(new Outcome(test, Status.NOT_RUN, "did not run (the test run was cut off)"));
                continue;
            }
            List<Case> bad = runs.stream().filter(c -> c.result() != SurefireReports.Result.PASSED).toList();
            if (bad.isEmpty()) {
                outcomes.add(new Outcome(test, Status.PASSED, ""));
            } else {
                Case first = bad.get(0);
                String output = first.result() == SurefireReports.Result.SKIPPED
                        ? "skipped: " + first.message() : first.message();
                outcomes.add(new Outcome(test, Status.FAILED, output));
            }
        }
        return outcomes;
    }

    private record Build(int exitCode, boolean timedOut, String output) {
    }

    private Build maven(Path work, Chapter chapter) throws IOException, InterruptedException {
        Path log = work.resolve("build.log");
        ProcessBuilder pb = new ProcessBuilder("mvn", "-B", "-ntp", "-Dstyle.color=never",
                "-pl", "tests", "-am", "test",
                "-Dgroups=" + tagExpression(chapter, course.chapterList()),
                "-Dkthw.test.timeout=" + testTimeout.toSeconds() + "s",
                "-Dmaven.test.failure.ignore=true",
                "-Dsurefire.failIfNoSpecifiedTests=false")
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("KTHW_HOME", work.toString());
        Process process = pb.start();
        boolean finished = process.waitFor(buildTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor();
        }
        return new Build(finished ? process.exitValue() : -1, !finished, Files.readString(log));
    }

    /**
     * Which tests a chapter's run takes, as a JUnit tag expression: those tagged with the
     * chapter, except those that also carry a later chapter's tag. A later chapter may run
     * an earlier suite again on its own parts (chapter 01's REST suite on chapter 02's
     * etcd store: {@code RestApiOnEtcdTest} inherits {@code ch01} and adds {@code ch02});
     * the earlier chapter's grade must not depend on them. Example: {@code ch01 & !ch02}.
     */
    static String tagExpression(Chapter chapter, List<Chapter> chapters) {
        StringBuilder expression = new StringBuilder(chapter.tag());
        for (Chapter other : chapters) {
            if (other.number().compareTo(chapter.number()) > 0) {
                expression.append(" & !").append(other.tag());
            }
        }
        return expression.toString();
    }

    /** The compiler's own messages from Maven's log, or the log's end if there are none. */
    static String compilerErrors(String log) {
        List<String> lines = log.lines()
                .filter(l -> l.startsWith("[ERROR] /") || l.contains("COMPILATION ERROR")
                        || (l.startsWith("[ERROR]") && l.contains(".java")))
                .map(l -> l.replaceFirst("^\\[ERROR] ", ""))
                .distinct()
                .toList();
        if (lines.isEmpty()) {
            List<String> all = log.lines().toList();
            lines = all.subList(Math.max(0, all.size() - 30), all.size());
        }
        return String.join("\n", lines);
    }

    /** Copies what Maven needs to build: pom.xml, reference/ and tests/, without build output. */
    static void copyBuildInputs(Path root, Path to) throws IOException {
        Files.copy(root.resolve("pom.xml"), to.resolve("pom.xml"));
        for (String dir : List.of("reference", "tests", ".mvn")) {
            if (Files.isDirectory(root.resolve(dir))) {
                Trees.copy(root.resolve(dir), to.resolve(dir));
            }
        }
    }

    /**
     * Lays a lab's files over the copy: {@code MODULE/src/main/...} in the lab replaces
     * {@code reference/MODULE/src/main/...}. Returns the lab files it did not take.
     */
    static List<String> overlay(Path lab, Path work) throws IOException {
        List<String> ignored = new ArrayList<>();
        try (Stream<Path> files = Files.walk(lab)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String rel = lab.relativize(file).toString();
                int slash = rel.indexOf('/');
                boolean takeable = slash > 0 && rel.substring(slash).startsWith("/src/main/")
                        && Files.isDirectory(work.resolve("reference").resolve(rel.substring(0, slash)));
                if (!takeable) {
                    if (!rel.equals("README.adoc")) {
                        ignored.add(rel);
                    }
                    continue;
                }
                Path target = work.resolve("reference").resolve(rel);
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return ignored;
    }
}
