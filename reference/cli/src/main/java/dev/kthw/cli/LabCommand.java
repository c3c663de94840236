package dev.kthw.cli;

import dev.kthw.course.Course;
import dev.kthw.course.Course.Chapter;
import dev.kthw.course.GradeReport;
import dev.kthw.course.LabCheck;
import dev.kthw.course.LabGenerator;
import dev.kthw.course.LabGenerator.Lab;
import dev.kthw.course.SuiteRunner;
import dev.kthw.course.SuiteRunner.Result;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kthw lab ...}: the labs, generated from the reference's marked regions. */
@Command(name = "lab", description = "List, regenerate, test and check the labs.",
        subcommands = {LabCommand.ListLabs.class, LabCommand.Sync.class, LabCommand.Test.class, LabCommand.Check.class})
final class LabCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "missing lab command (list, sync, test or check)");
    }

    @Command(name = "list", description = "List the labs: tasks and points.")
    static final class ListLabs implements Callable<Integer> {
        @Override
        public Integer call() {
            Course course = Course.locate();
            Map<String, Lab> labs = new LabGenerator(course).generate();
            for (Chapter chapter : course.chapterList()) {
                Lab lab = labs.get(chapter.number());
                if (lab == null) {
                    System.out.printf("%s  %-28s no lab%n", chapter.number(), chapter.title());
                    continue;
                }
                int points = lab.tasks().stream().mapToInt(LabGenerator.Task::points).sum();
                System.out.printf("%s  %-28s labs/%s: %d tasks, %d points%n", chapter.number(), chapter.title(),
                        chapter.id(), lab.tasks().size(), points);
                for (LabGenerator.Task task : lab.tasks()) {
                    System.out.printf("      %-22s %2d points  %s:%d%n", task.name(), task.points(), task.file(),
                            task.line());
                }
            }
            return 0;
        }
    }

    @Command(name = "sync", description = "Regenerate labs/ from the lab markers in reference/.")
    static final class Sync implements Callable<Integer> {
        @Override
        public Integer call() {
            List<String> changed = new LabGenerator(Course.locate()).sync();
            changed.forEach(line -> System.out.println("kthw lab sync: " + line));
            System.out.println(changed.isEmpty() ? "kthw lab sync: labs/ is up to date"
                    : "kthw lab sync: " + changed.size() + " file(s) changed");
            return 0;
        }
    }

    @Command(name = "test", description = "Run a chapter's suite against its lab and print the score.")
    static final class Test implements Callable<Integer> {
        @Parameters(paramLabel = "NN", description = "The chapter number, e.g. 01.")
        String chapterNumber;

        @Option(names = "--reference", description = "Run against the reference instead of the lab.")
        boolean reference;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "Time limit of one test (default: ${DEFAULT-VALUE}).")
        long timeout;

        @Override
        public Integer call() throws Exception {
            Course course = Course.locate();
            Chapter chapter = course.chapter(chapterNumber);
            String what = reference ? "the reference" : "labs/" + chapter.id();
            System.out.println("kthw lab test: building and running the " + chapter.tag() + " suite against "
                    + what + " ...");
            Result result = new SuiteRunner(course, Duration.ofSeconds(timeout), Duration.ofMinutes(20))
                    .run(chapter, reference ? null : course.lab(chapter));
            System.out.print(GradeReport.summary(result, "kthw lab test " + chapter.number() + " (" + what + ")"));
            return 0;
        }
    }

    @Command(name = "check", description = "Check every lab both ways: the reference scores 100%%, "
            + "every graded test fails on the untouched starter.")
    static final class Check implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Course course = Course.locate();
            SuiteRunner runner = new SuiteRunner(course, Duration.ofSeconds(30), Duration.ofMinutes(20));
            int problems = 0;
            for (Lab lab : new LabGenerator(course).generate().values()) {
                Chapter chapter = lab.chapter();
                Result onReference = runner.run(chapter, null);
                Result onStarter = runner.run(chapter, course.lab(chapter));
                List<String> found = LabCheck.problems(onReference, onStarter);
                System.out.printf("lab %s: reference %d/%d, starter %d/%d%s%n", chapter.number(),
                        onReference.score(), onReference.maxScore(), onStarter.score(), onStarter.maxScore(),
                        found.isEmpty() ? ", ok" : "");
                found.forEach(p -> System.out.println("  " + p));
                problems += found.size();
            }
            return problems == 0 ? 0 : 1;
        }
    }
}
