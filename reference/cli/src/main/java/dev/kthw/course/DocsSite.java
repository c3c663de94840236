package dev.kthw.course;

import dev.kthw.course.Course.Chapter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Attributes;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import org.asciidoctor.log.LogHandler;
import org.asciidoctor.log.LogRecord;
import org.asciidoctor.log.Severity;

/**
 * Renders the course into a browsable site with Asciidoctorj: an index with the course
 * map, one page per chapter, one deck per chapter, one page per lab.
 *
 * <p>Chapters include code from reference/ by tag ({@code include::../reference/...[tag=x]}).
 * Asciidoctor only warns about a missing file or tag and renders on; here every warning
 * is a problem, so a renamed method or a removed tag breaks the docs build instead of
 * leaving a hole in the text.
 */
public final class DocsSite {

    /** What was rendered, and every warning or error Asciidoctor reported. */
    public record Build(Path index, List<Path> pages, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final Course course;

    public DocsSite(Course course) {
        this.course = course;
    }

    /** Renders everything into {@code out} (created if needed). */
    public Build render(Path out) throws IOException {
        List<String> problems = new ArrayList<>();
        List<Path> pages = new ArrayList<>();
        try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
            asciidoctor.registerLogHandler((LogRecord r) -> {
                if (r.getSeverity().ordinal() >= Severity.WARN.ordinal() && r.getSeverity() != Severity.UNKNOWN) {
                    String where = r.getCursor() == null ? "" : r.getCursor().getFile() + ":"
                            + r.getCursor().getLineNumber() + ": ";
                    problems.add(r.getSeverity() + " " + where + r.getMessage());
                }
            });
            String deckHead = resource("slides/docinfo.html");
            String deckFoot = resource("slides/docinfo-footer.html");
            List<Chapter> chapters = course.chapterList();
            for (Chapter chapter : chapters) {
                Path page = out.resolve("chapters").resolve(chapter.id() + ".html");
                pages.add(write(page, convert(asciidoctor, course.chapters().resolve(chapter.id() + ".adoc"), problems)));
                Path slides = course.slides().resolve(chapter.id() + ".adoc");
                if (Files.exists(slides)) {
                    String deck = convert(asciidoctor, slides, problems)
                            .replace("</head>", deckHead + "</head>")
                            .replace("</body>", deckFoot + "</body>");
                    pages.add(write(out.resolve("slides").resolve(chapter.id() + ".html"), deck));
                }
                Path labReadme = course.lab(chapter).resolve("README.adoc");
                if (Files.exists(labReadme)) {
                    pages.add(write(out.resolve("labs").resolve(chapter.id()).resolve("README.html"),
                            convert(asciidoctor, labReadme, problems)));
                }
            }
            copyImages(out);
            Path index = write(out.resolve("index.html"), asciidoctor.convert(indexPage(chapters),
                    options(course.root())));
            pages.add(index);
            return new Build(index, pages, problems);
        }
    }

    /** One document to a standalone HTML page, with includes resolved against the repository. */
    /** One document to HTML; its dead cross references join the problems Asciidoctor reports. */
    private String convert(Asciidoctor asciidoctor, Path source, List<String> problems) throws IOException {
        problems.addAll(brokenXrefs(source));
        return asciidoctor.convertFile(source.toFile(), options(source.getParent()));
    }

    private static final java.util.regex.Pattern XREF = java.util.regex.Pattern.compile("xref:([^\\[#\\s]+\\.adoc)");

    /** Cross references to .adoc files that do not exist: a dead link is a problem, like a missing include. */
    static List<String> brokenXrefs(Path document) throws IOException {
        List<String> problems = new ArrayList<>();
        java.util.regex.Matcher m = XREF.matcher(Files.readString(document));
        while (m.find()) {
            if (!Files.exists(document.getParent().resolve(m.group(1)))) {
                problems.add("ERROR " + document + ": xref to a missing document: " + m.group(1));
            }
        }
        return problems;
    }

    private static Path write(Path page, String html) throws IOException {
        Files.createDirectories(page.getParent());
        Files.writeString(page, html);
        return page;
    }

    /**
     * Includes resolve against the document's own folder, as an editor's preview does
     * ({@code include::../reference/...}). That needs UNSAFE mode: Asciidoctor jails
     * includes inside the base directory otherwise. We render only our own files.
     */
    private static Options options(Path documentDir) {
        return Options.builder()
                .safe(SafeMode.UNSAFE)
                .baseDir(documentDir.toFile())
                .toFile(false)
                .standalone(true)
                .attributes(Attributes.builder()
                        .attribute("relfilesuffix", ".html")
                        .attribute("sectanchors", "")
                        // The site must read well offline: no web fonts, no icon font, and code
                        // that scrolls sideways rather than wrapping mid-token.
                        .attribute("webfonts!", "")
                        .attribute("icons!", "")
                        .attribute("prewrap!", "")
                        .build())
                .build();
    }

    /** The course map: every chapter with its description and links to its pages. */
    private String indexPage(List<Chapter> chapters) {
        StringBuilder s = new StringBuilder("= kthw: Kubernetes the Hard Way, in Java\n:nofooter:\n\n");
        s.append("A course that builds every Kubernetes component for real, in Java. ")
                .append("Start with chapter 00, a guided tour; every chapter after it has slides and a lab.\n\n");
        s.append("[cols=\"1,4,1,1\",options=\"header\"]\n|===\n| Chapter | What it covers | Slides | Lab\n");
        for (Chapter c : chapters) {
            s.append("| link:chapters/").append(c.id()).append(".html[").append(c.number()).append(" ")
                    .append(c.title()).append("]\n| ").append(c.description()).append('\n');
            s.append(Files.exists(course.slides().resolve(c.id() + ".adoc"))
                    ? "| link:slides/" + c.id() + ".html[slides]\n" : "| \n");
            s.append(Files.exists(course.lab(c).resolve("README.adoc"))
                    ? "| link:labs/" + c.id() + "/README.html[lab " + c.number() + "]\n" : "| no lab\n");
        }
        return s.append("|===\n").toString();
    }

    private void copyImages(Path out) throws IOException {
        Path images = course.chapters().resolve("images");
        if (Files.isDirectory(images)) {
            Trees.delete(out.resolve("chapters/images"));
            Trees.copy(images, out.resolve("chapters/images"));
        }
    }

    private static String resource(String name) {
        try (InputStream in = Objects.requireNonNull(DocsSite.class.getResourceAsStream(name), name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
