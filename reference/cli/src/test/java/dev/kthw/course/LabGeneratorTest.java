package dev.kthw.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kthw.course.LabGenerator.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labs are derived from the reference; the build notices when they drift apart. */
class LabGeneratorTest {

    @TempDir
    Path dir;

    @Test
    void theStarterKeepsEverythingButTheRegionWhichThrowsNamingItsTask() throws IOException {
        Course course = FixtureCourse.create(dir);
        Lab lab = new LabGenerator(course).generate().get("01");
        String starter = lab.files().get(Path.of("labs/01-demo/demo/src/main/java/demo/Demo.java"));
        assertThat(starter)
                .contains("static int twice(int x) {\n        return 2 * x;")
                .contains("        // TODO lab 01, task square:\n        // Return x times x.\n"
                        + "        throw new UnsupportedOperationException(\"lab 01, task square: not written yet "
                        + "(see labs/01-demo/README.adoc)\");\n    }")
                .doesNotContain("return x * x")
                .doesNotContain("tag::lab-");
        assertThat(lab.tasks()).singleElement().satisfies(t -> {
            assertThat(t.points()).isEqualTo(3);
            assertThat(t.file()).isEqualTo("demo/src/main/java/demo/Demo.java");
        });
        assertThat(lab.files().get(Path.of("labs/01-demo/README.adoc")))
                .contains("= Lab 01: Demo").contains("=== square (3 points)").contains("./kthw lab test 01")
                .contains("`DemoTest.squares` (3)");
    }

    @Test
    void editingAMarkedRegionWithoutSyncIsADifference() throws IOException {
        Course course = FixtureCourse.create(dir);
        LabGenerator generator = new LabGenerator(course);
        assertThat(generator.differences()).containsExactly("missing: labs/01-demo/README.adoc",
                "missing: labs/01-demo/demo/src/main/java/demo/Demo.java");
        generator.sync();
        assertThat(generator.differences()).isEmpty();

        Path demo = dir.resolve("reference/demo/src/main/java/demo/Demo.java");
        Files.writeString(demo, Files.readString(demo).replace("2 * x", "x + x"));
        assertThat(generator.differences()).containsExactly("differs: labs/01-demo/demo/src/main/java/demo/Demo.java");

        Files.writeString(dir.resolve("labs/01-demo/stray.txt"), "x");
        assertThat(generator.differences()).contains("not generated (stale): labs/01-demo/stray.txt");
        generator.sync();
        assertThat(generator.differences()).isEmpty();
        assertThat(dir.resolve("labs/01-demo/stray.txt")).doesNotExist();
    }

    @Test
    void aTaskWithoutAGradedTestIsAnError() throws IOException {
        Course course = FixtureCourse.create(dir);
        Path test = dir.resolve("tests/src/test/java/demo/DemoTest.java");
        Files.writeString(test, Files.readString(test).replace("task = \"square\"", "task = \"cube\""));
        assertThatThrownBy(() -> new LabGenerator(course).generate())
                .hasMessageContaining("graded for task cube, which no lab-ch01-* region defines");
    }

    @Test
    void aRegionForAChapterThatDoesNotExistIsAnError() throws IOException {
        Course course = FixtureCourse.create(dir);
        Files.delete(dir.resolve("chapters/01-demo.adoc"));
        Files.writeString(dir.resolve("chapters/02-other.adoc"), "= Chapter 02: Other\n");
        assertThatThrownBy(() -> new LabGenerator(course).generate())
                .hasMessageContaining("lab regions for ch01 but no chapters/01-*.adoc");
    }
}
