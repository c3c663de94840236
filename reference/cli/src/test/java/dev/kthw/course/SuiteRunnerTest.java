package dev.kthw.course;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kthw.course.Course.Chapter;
import dev.kthw.course.GradedTests.GradedTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a chapter's run selects: its own suite, never a test that needs a later chapter. */
class SuiteRunnerTest {

    static final Chapter CH00 = new Chapter("00", "big-picture", "The big picture", "");
    static final Chapter CH01 = new Chapter("01", "api-server", "The API server", "");
    static final Chapter CH02 = new Chapter("02", "cluster-state", "Cluster state in etcd", "");

    @Test
    void aChaptersRunTakesItsTagButNoTestThatAlsoCarriesALaterChaptersTag() {
        List<Chapter> chapters = List.of(CH00, CH01, CH02);

        assertThat(SuiteRunner.tagExpression(CH01, chapters)).isEqualTo("ch01 & !ch02");
        assertThat(SuiteRunner.tagExpression(CH02, chapters)).as("a re-run of chapter 01's suite on etcd is in")
                .isEqualTo("ch02");
        assertThat(SuiteRunner.tagExpression(CH00, chapters)).isEqualTo("ch00 & !ch01 & !ch02");
    }

    @Test
    void chapter01sRestSuiteOnEtcdIsWorthNoPointsOfItsOwn() {
        List<GradedTest> graded = GradedTests.scan(Course.locate().tests().resolve("src/test/java"));

        assertThat(graded).extracting(GradedTest::className).as("its points are RestApiTest's, earned once")
                .contains("dev.kthw.apiserver.RestApiTest")
                .doesNotContain("dev.kthw.apiserver.RestApiOnEtcdTest");
    }
}
