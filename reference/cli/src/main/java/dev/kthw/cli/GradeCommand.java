package dev.kthw.cli;

import dev.kthw.course.Course;
import dev.kthw.course.Course.Chapter;
import dev.kthw.course.GradeReport;
import dev.kthw.course.SuiteRunner;
import dev.kthw.course.SuiteRunner.Result;
import dev.kthw.course.Submission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kthw grade NN --submission PATH}: what an instructor runs. The submission is
 * read, never written; the suite runs in a temporary copy; three reports come out.
 */
@Command(name = "grade", description = "Grade a submission of lab NN: JUnit XML, Gradescope results.json, summary.")
final class GradeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NN", description = "The chapter number of the lab, e.g. 01.")
    String chapterNumber;

    @Option(names = "--submission", required = true, paramLabel = "PATH",
            description = "A directory (a copy of labs/NN-slug or a whole checkout), a .zip, or a git repository.")
    Path submission;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where the reports go (default: grades/NN-slug in the current directory).")
    Path out;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Time limit of one test; a test that runs longer scores 0 (default: ${DEFAULT-VALUE}).")
    long timeout;

    @Override
    public Integer call() throws Exception {
        Course course = Course.locate();
        Chapter chapter = course.chapter(chapterNumber);
        Path scratch = Files.createTempDirectory("kthw-submission-");
        try {
            Submission.Found found = Submission.locate(submission, chapter, scratch);
            System.out.println("kthw grade: lab " + chapter.number() + " from " + found.description());
            Result result = new SuiteRunner(course, Duration.ofSeconds(timeout), Duration.ofMinutes(20))
                    .run(chapter, found.lab());
            Path dir = out != null ? out : Path.of("grades", chapter.id());
            List<Path> written = GradeReport.write(result, "kthw grade " + chapter.number() + ": "
                    + found.description(), dir);
            System.out.print(GradeReport.summary(result, "kthw grade " + chapter.number() + ": "
                    + found.description()));
            written.forEach(p -> System.out.println("wrote " + p));
            return 0;
        } finally {
            dev.kthw.course.Trees.delete(scratch);
        }
    }
}
