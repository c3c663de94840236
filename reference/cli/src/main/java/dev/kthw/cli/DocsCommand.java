package dev.kthw.cli;

import dev.kthw.course.Course;
import dev.kthw.course.DocsSite;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kthw docs}: renders chapters, slides and lab pages with Asciidoctorj. */
@Command(name = "docs", description = "Render the chapters, slides and labs into a site (target/site).")
final class DocsCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "Where the site goes (default: target/site).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Course course = Course.locate();
        Path dir = out != null ? out : course.root().resolve("target/site");
        System.out.println("kthw docs: rendering chapters, slides and labs ...");
        DocsSite.Build build = new DocsSite(course).render(dir);
        build.problems().forEach(p -> System.out.println("  " + p));
        if (!build.ok()) {
            System.out.println("kthw docs: " + build.problems().size() + " problem(s): fix them (a missing include or "
                    + "tag is an error)");
            return 1;
        }
        System.out.println("kthw docs: " + build.pages().size() + " pages; open " + build.index());
        return 0;
    }
}
