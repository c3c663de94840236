package dev.kthw.course;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kthw.course.LabGenerator.Lab;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.TestFactory;

/**
 * The committed labs, checked against the reference: in sync with what the reference
 * generates, full marks on the reference, and every graded test failing on the starter.
 */
// Whole builds in temporary copies, or a JRuby start: far longer than a unit test.
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LabsTest {

    private final Course course = Course.locate();

    @Test
    void committedLabsMatchWhatTheReferenceGenerates() {
        assertThat(new LabGenerator(course).differences())
                .as("labs/ differs from the reference's lab markers: run ./kthw lab sync")
                .isEmpty();
    }

    @Test
    void everyChapterWithALabHasSlides() {
        for (Lab lab : new LabGenerator(course).generate().values()) {
            assertThat(course.slides().resolve(lab.chapter().id() + ".adoc")).exists();
        }
    }

    @Tag("course")
    @TestFactory
    List<DynamicTest> referenceScoresFullMarksAndTheStarterScoresNothing() {
        Map<String, Lab> labs = new LabGenerator(course).generate();
        assertThat(labs).isNotEmpty();
        SuiteRunner runner = new SuiteRunner(course, Duration.ofSeconds(30), Duration.ofMinutes(15));
        return labs.values().stream().map(lab -> DynamicTest.dynamicTest("lab " + lab.chapter().id(), () -> {
            var onReference = runner.run(lab.chapter(), null);
            var onStarter = runner.run(lab.chapter(), course.lab(lab.chapter()));
            assertThat(LabCheck.problems(onReference, onStarter)).isEmpty();
            assertThat(onReference.score()).isEqualTo(onReference.maxScore()).isPositive();
            assertThat(onStarter.score()).isZero();
        })).toList();
    }
}
