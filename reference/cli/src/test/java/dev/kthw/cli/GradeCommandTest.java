package dev.kthw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kthw.course.Course;
import dev.kthw.course.GradedTests;
import dev.kthw.course.SurefireReports;
import dev.kthw.course.Trees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Tag;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kthw grade}, end to end on lab 01: every kind of submission, a broken one, a
 * hanging one; the three reports; and the submission left exactly as it was.
 */
// Whole builds in temporary copies, or a JRuby start: far longer than a unit test.
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@Tag("course")
class GradeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAB = "labs/01-api-server";
    private static final String VALIDATION = "api/src/main/java/dev/kthw/api/Validation.java";

    private final Course course = Course.locate();
    // What chapter 01's suite grades, read from its @Graded annotations, so these tests follow the suite.
    private final List<GradedTests.GradedTest> suite = GradedTests.forChapter(course.tests().resolve("src/test/java"), "ch01");
    private final int tests = suite.size();
    private final double points = suite.stream().mapToInt(GradedTests.GradedTest::points).sum();

    @TempDir
    Path tmp;

    @Test
    void aSolvedLabDirectoryScoresFullMarks() throws Exception {
        Path submission = solvedLab(tmp.resolve("student"));
        String before = fingerprint(submission);

        Graded graded = grade(submission);

        assertThat(graded.exitCode).isZero();
        assertThat(graded.results.get("score").asDouble()).isEqualTo(points);
        assertThat(graded.results.get("tests")).hasSize(tests)
                .allSatisfy(t -> assertThat(t.get("status").asText()).isEqualTo("passed"));
        assertThat(graded.summary).contains((int) points + " of " + (int) points + " points (100%)");
        assertThat(SurefireReports.readFile(graded.out.resolve("junit.xml")))
                .hasSize(tests).allSatisfy(c -> assertThat(c.result()).isEqualTo(SurefireReports.Result.PASSED));
        assertThat(fingerprint(submission)).as("grading never modifies the submission").isEqualTo(before);
    }

    @Test
    void theUntouchedStarterAsAZipScoresNothing() throws Exception {
        Path zip = tmp.resolve("starter.zip");
        zip(course.root().resolve(LAB), "01-api-server/", zip);
        byte[] before = Files.readAllBytes(zip);

        Graded graded = grade(zip);

        assertThat(graded.results.get("score").asDouble()).isZero();
        assertThat(graded.results.get("tests")).hasSize(tests).allSatisfy(t -> {
            assertThat(t.get("status").asText()).isEqualTo("failed");
            assertThat(t.get("max_score").asDouble()).isPositive();
            assertThat(t.get("output").asText()).contains("not written yet");
        });
        assertThat(Files.readAllBytes(zip)).isEqualTo(before);
    }

    @Test
    void aGitRepositoryIsGradedAtItsCommittedHead() throws Exception {
        Path repo = tmp.resolve("repo");
        Path lab = solvedLab(repo.resolve(LAB));
        // Committed: label-value wrong (everything passes its checks). Uncommitted: a syntax error.
        replaceRegion(lab.resolve(VALIDATION), "isValidLabelValue(String value) {", "return List.of();");
        git(repo, "init", "-q");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=student", "-c", "user.email=s@example.invalid", "commit", "-qm", "lab 01");
        Files.writeString(lab.resolve(VALIDATION), "this is not Java");
        String before = fingerprint(repo);

        Graded graded = grade(repo);

        assertThat(graded.stdout).contains("git repository").contains("at commit");
        // Lost: two label-value tests (2 + 1) and the labels test that needs a value error (2).
        assertThat(graded.results.get("score").asDouble()).isEqualTo(points - 2 - 1 - 2);
        assertThat(graded.summary).contains("FAIL  0/2  label-value");
        assertThat(fingerprint(repo)).isEqualTo(before);
    }

    @Test
    void aSubmissionThatDoesNotCompileScoresZeroWithTheCompilersMessage() throws Exception {
        Path submission = solvedLab(tmp.resolve("broken"));
        Path file = submission.resolve(VALIDATION);
        Files.writeString(file, Files.readString(file).replace("return errors;", "return errors"));
        String before = fingerprint(submission);

        Graded graded = grade(submission);

        assertThat(graded.results.get("score").asDouble()).isZero();
        assertThat(graded.results.get("output").asText())
                .contains("does not compile").contains("Validation.java").contains("';' expected");
        assertThat(graded.summary).contains("0 of " + (int) points + " points").contains("';' expected");
        assertThat(graded.results.get("tests")).hasSize(tests);
        assertThat(fingerprint(submission)).isEqualTo(before);
    }

    @Test
    void aHangingTestIsCutOffAndScoresZero() throws Exception {
        Path submission = solvedLab(tmp.resolve("hangs"));
        replaceRegion(submission.resolve(VALIDATION), "isValidLabelValue(String value) {",
                "while (value != null) { Thread.onSpinWait(); } return List.of();");

        Graded graded = grade(submission, "--timeout", "2");

        JsonNode tooLong = test(graded, "ObjectValidationTest.labelValueLongerThan63IsTooLong");
        assertThat(tooLong.get("status").asText()).isEqualTo("failed");
        assertThat(tooLong.get("output").asText()).contains("timed out");
        assertThat(test(graded, "ObjectValidationTest.typicalNamespaceNamesAreLabels").get("status").asText())
                .isEqualTo("passed");
    }

    // --- helpers ---

    private record Graded(int exitCode, String stdout, Path out, JsonNode results, String summary) {
    }

    private Graded grade(Path submission, String... extra) throws IOException {
        Path out = tmp.resolve("out-" + System.nanoTime());
        List<String> args = new java.util.ArrayList<>(List.of("grade", "01", "--submission", submission.toString(),
                "--out", out.toString()));
        args.addAll(List.of(extra));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = Main.commandLine().execute(args.toArray(String[]::new));
        } finally {
            System.setOut(original);
        }
        for (String report : List.of("junit.xml", "results.json", "summary.txt")) {
            assertThat(out.resolve(report)).exists();
        }
        return new Graded(exit, captured.toString(StandardCharsets.UTF_8), out,
                JSON.readTree(out.resolve("results.json").toFile()), Files.readString(out.resolve("summary.txt")));
    }

    private static JsonNode test(Graded graded, String name) {
        for (JsonNode t : graded.results.get("tests")) {
            if (t.get("name").asText().startsWith(name + " ")) {
                return t;
            }
        }
        throw new AssertionError("no test " + name + " in results.json");
    }

    /** A copy of lab 01 with every stub replaced by the reference's code: a perfect submission. */
    private Path solvedLab(Path to) throws IOException {
        Trees.copy(course.root().resolve(LAB), to);
        try (Stream<Path> files = Files.walk(to)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Files.copy(course.reference().resolve(to.relativize(file).toString()), file,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }

    /** Replaces the body of the method whose signature ends with {@code signature}. */
    private static void replaceRegion(Path file, String signature, String body) throws IOException {
        String text = Files.readString(file);
        int start = text.indexOf(signature) + signature.length();
        int end = text.indexOf("\n    }\n", start);
        Files.writeString(file, text.substring(0, start) + "\n        " + body + text.substring(end));
    }

    private static void zip(Path dir, String prefix, Path zip) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip)); Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(prefix + dir.relativize(file)));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
    }

    /** Every file's path and content hash under {@code dir}, .git included. */
    private static String fingerprint(Path dir) throws Exception {
        TreeMap<String, String> hashes = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                hashes.put(dir.relativize(f).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
            }
        }
        return hashes.toString();
    }
}
