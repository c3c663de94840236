package dev.kthw.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kthw.course.GradedTests.GradedTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Graded tests are read from source, so the grader knows the points even when nothing compiles. */
class GradedTestsTest {

    @Test
    void readsChapterClassMethodTaskAndPoints() {
        assertThat(GradedTests.scanFile(Path.of("DemoTest.java"), FixtureCourse.DEMO_TEST))
                .containsExactly(new GradedTest("ch01", "demo.DemoTest", "squares", "square", 3));
    }

    @Test
    void commentsDoNotCount() {
        assertThat(GradedTests.scanFile(Path.of("Graded.java"),
                "/** use it as {@code @Graded(points = 2, task = \"x\")} */ public @interface Graded {}")).isEmpty();
    }

    @Test
    void aGradedTestOutsideAChapterSuiteIsAnError() {
        assertThatThrownBy(() -> GradedTests.scanFile(Path.of("X.java"),
                "class X { @Graded(points = 1, task = \"t\") void t() {} }"))
                .hasMessageContaining("no @Tag(\"chNN\")");
    }
}
