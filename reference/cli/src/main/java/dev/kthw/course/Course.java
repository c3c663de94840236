package dev.kthw.course;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The course as it lies in the repository: the chapters (chapters/NN-slug.adoc), and
 * where a chapter's lab, suite and slides live.
 *
 * <p>A chapter's number and slug come from its file name, its title from its first line
 * ({@code = Chapter 01: The API server}). Everything else is derived from those, so
 * adding chapter N means adding chapters/NN-slug.adoc, marking regions in the reference,
 * and tagging its suite {@code chNN}.
 */
public record Course(Path root) {

    private static final Pattern CHAPTER_FILE = Pattern.compile("(\\d\\d)-([a-z0-9-]+)\\.adoc");
    private static final Pattern TITLE = Pattern.compile("^=\\s+(?:Chapter\\s+\\d+:\\s*)?(.+)$");

    /** One chapter of the course. */
    public record Chapter(String number, String slug, String title, String description) {
        /** {@code 01-api-server}: the name of the chapter's file, lab and slides. */
        public String id() {
            return number + "-" + slug;
        }

        /** {@code ch01}: the JUnit tag of the chapter's suite and of its lab regions. */
        public String tag() {
            return "ch" + number;
        }
    }

    public Course {
        root = root.toAbsolutePath().normalize();
    }

    /**
     * The repository that holds this course: the directory named by KTHW_HOME, or the
     * nearest parent of the working directory with a kthw launcher and a reference/.
     */
    public static Course locate() {
        String home = System.getenv("KTHW_HOME");
        if (home != null && !home.isBlank()) {
            return new Course(Path.of(home));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("kthw")) && Files.isDirectory(dir.resolve("reference"))) {
                return new Course(dir);
            }
        }
        throw new IllegalStateException("cannot find the kthw repository: run from inside it, or set KTHW_HOME");
    }

    public Path chapters() {
        return root.resolve("chapters");
    }

    public Path slides() {
        return root.resolve("slides");
    }

    public Path labs() {
        return root.resolve("labs");
    }

    public Path reference() {
        return root.resolve("reference");
    }

    public Path tests() {
        return root.resolve("tests");
    }

    public Path lab(Chapter chapter) {
        return labs().resolve(chapter.id());
    }

    /** All chapters, in order. */
    public List<Chapter> chapterList() {
        List<Chapter> chapters = new ArrayList<>();
        try (Stream<Path> files = Files.list(chapters())) {
            for (Path file : files.sorted().toList()) {
                Matcher m = CHAPTER_FILE.matcher(file.getFileName().toString());
                if (m.matches()) {
                    chapters.add(read(file, m.group(1), m.group(2)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return chapters;
    }

    /** The chapter with this number ("1", "01" and "ch01" all work). */
    public Chapter chapter(String number) {
        return findChapter(number).orElseThrow(() -> new IllegalArgumentException(
                "no chapter " + number + ": chapters are " + chapterList().stream().map(Chapter::number).toList()));
    }

    public Optional<Chapter> findChapter(String number) {
        String digits = number.toLowerCase().replaceFirst("^ch", "");
        if (!digits.matches("\\d{1,2}")) {
            return Optional.empty();
        }
        String wanted = digits.length() == 1 ? "0" + digits : digits;
        return chapterList().stream().filter(c -> c.number().equals(wanted)).findFirst();
    }

    private static Chapter read(Path file, String number, String slug) throws IOException {
        String title = slug;
        String description = "";
        for (String line : Files.readAllLines(file)) {
            Matcher t = TITLE.matcher(line);
            if (title.equals(slug) && t.matches()) {
                title = t.group(1).trim();
            } else if (line.startsWith(":description:")) {
                description = line.substring(":description:".length()).trim();
            } else if (line.isBlank() && !title.equals(slug)) {
                break;
            }
        }
        return new Chapter(number, slug, title, description);
    }
}
