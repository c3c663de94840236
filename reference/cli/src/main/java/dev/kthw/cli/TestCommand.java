package dev.kthw.cli;

import dev.kthw.course.Course;
import dev.kthw.course.Trees;
import dev.kthw.course.SurefireReports;
import dev.kthw.course.SurefireReports.Case;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kthw test}: the whole build, as CI runs it. One Maven build runs every module's
 * tests, the chapter suites against the reference, the course checks (labs in sync with
 * the reference, every lab starter failing every graded test, grading end to end) and the
 * docs build. Then one closing line counts every test.
 *
 * <p>Under {@code CI=true} privileged tests must run: a skip for lack of root fails. The
 * build goes on past a failing module (--fail-at-end), so the count covers every module.
 */
@Command(name = "test", description = "Run every test: components, chapter suites, labs, grading, docs (what CI runs).")
final class TestCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "Leave out the course checks that rebuild the project in copies.")
    boolean quick;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Course course = Course.locate();
        for (Path reports : reportDirs(course.root())) {
            Trees.delete(reports);
        }
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-ntp", "-Dstyle.color=never", "--fail-at-end",
                "install"));
        if (quick) {
            command.add("-DexcludedGroups=course,benchmark");
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(course.root().toFile()).inheritIO();
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (ci) {
            pb.environment().put("KTHW_REQUIRE_PRIVILEGED", "1");
        }
        System.out.println("kthw test: " + String.join(" ", command)
                + (ci || "1".equals(pb.environment().get("KTHW_REQUIRE_PRIVILEGED"))
                ? " (privileged tests required)" : ""));
        int exit = pb.start().waitFor();

        List<Case> cases = new ArrayList<>();
        for (Path reports : reportDirs(course.root())) {
            cases.addAll(SurefireReports.read(reports));
        }
        long passed = cases.stream().filter(c -> c.result() == SurefireReports.Result.PASSED).count();
        long failed = cases.stream().filter(c -> c.result() == SurefireReports.Result.FAILED).count();
        long skipped = cases.stream().filter(c -> c.result() == SurefireReports.Result.SKIPPED).count();
        if (exit != 0 && failed == 0) {
            System.out.println("kthw test: the build failed before or outside the tests (see the Maven output above)");
            failed = 1;
        }
        System.out.printf("tests: %d passed, %d failed, %d skipped%n", passed, failed, skipped);
        return exit == 0 ? 0 : 1;
    }

    private static List<Path> reportDirs(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root, 5)) {
            return walk.filter(p -> p.endsWith("target/surefire-reports"))
                    .filter(p -> !p.startsWith(root.resolve("labs")))
                    .sorted().toList();
        }
    }
}
