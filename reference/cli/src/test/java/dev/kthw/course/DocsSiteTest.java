package dev.kthw.course;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The docs build: chapters include code by tag, and a broken include fails it. */
// Whole builds in temporary copies, or a JRuby start: far longer than a unit test.
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DocsSiteTest {

    @TempDir
    Path tmp;

    @Test
    void theCourseRendersWithoutAProblem() throws IOException {
        Course course = Course.locate();
        DocsSite.Build build = new DocsSite(course).render(tmp.resolve("site"));

        assertThat(build.problems()).isEmpty();
        assertThat(build.index()).exists();
        for (Course.Chapter chapter : course.chapterList()) {
            assertThat(tmp.resolve("site/chapters/" + chapter.id() + ".html")).exists();
            assertThat(tmp.resolve("site/slides/" + chapter.id() + ".html")).exists();
            assertThat(Files.readString(build.index())).contains(chapter.title());
        }
        assertThat(Files.readString(tmp.resolve("site/slides/00-big-picture.html"))).contains("kthw-deck");
        assertThat(tmp.resolve("site/labs/01-api-server/README.html")).exists();
    }

    @Test
    void aTaggedIncludeBringsTheReferenceCodeIntoTheChapter() throws IOException {
        Course course = FixtureCourse.create(tmp.resolve("course"));
        DocsSite.Build build = new DocsSite(course).render(tmp.resolve("site"));

        assertThat(build.problems()).isEmpty();
        String page = Files.readString(tmp.resolve("site/chapters/01-demo.html"));
        assertThat(page).contains("static int twice(int x)").doesNotContain("x * x");
    }

    @Test
    void aMissingTagFailsTheDocsBuild() throws IOException {
        Course course = FixtureCourse.create(tmp.resolve("course"));
        Path demo = tmp.resolve("course/reference/demo/src/main/java/demo/Demo.java");
        Files.writeString(demo, Files.readString(demo).replace("tag::shown[]", "").replace("end::shown[]", ""));

        DocsSite.Build build = new DocsSite(course).render(tmp.resolve("site"));

        assertThat(build.ok()).isFalse();
        assertThat(build.problems()).anySatisfy(p -> assertThat(p).contains("shown"));
    }

    @Test
    void aLinkToAChapterThatDoesNotExistFailsTheDocsBuild() throws IOException {
        Course course = FixtureCourse.create(tmp.resolve("course"));
        Path chapter = tmp.resolve("course/chapters/01-demo.adoc");
        Files.writeString(chapter, Files.readString(chapter) + "\nNext: xref:02-later.adoc[chapter 02].\n");

        DocsSite.Build build = new DocsSite(course).render(tmp.resolve("site"));

        assertThat(build.problems()).anySatisfy(p -> assertThat(p).contains("xref to a missing document: 02-later.adoc"));
    }

    @Test
    void aDeadLinkInASlideDeckFailsTheDocsBuildToo() throws IOException {
        Course course = FixtureCourse.create(tmp.resolve("course"));
        Files.createDirectories(tmp.resolve("course/slides"));
        Files.writeString(tmp.resolve("course/slides/01-demo.adoc"), "= Demo\n\n== Next\n\nxref:02-later.adoc[next]\n");

        DocsSite.Build build = new DocsSite(course).render(tmp.resolve("site"));

        assertThat(build.problems()).anySatisfy(p -> assertThat(p).contains("slides/01-demo.adoc")
                .contains("02-later.adoc"));
    }

    @Test
    void aMissingIncludeFileFailsTheDocsBuild() throws IOException {
        Course course = FixtureCourse.create(tmp.resolve("course"));
        Files.delete(tmp.resolve("course/reference/demo/src/main/java/demo/Demo.java"));

        DocsSite.Build build = new DocsSite(course).render(tmp.resolve("site"));

        assertThat(build.problems()).anySatisfy(p -> assertThat(p).contains("Demo.java"));
    }
}
