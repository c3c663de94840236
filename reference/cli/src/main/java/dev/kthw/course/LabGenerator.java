package dev.kthw.course;

import dev.kthw.course.Course.Chapter;
import dev.kthw.course.GradedTests.GradedTest;
import dev.kthw.course.LabMarkers.Region;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Derives every lab from the reference: the single source of truth.
 *
 * <p>For each chapter with {@code lab-chNN-*} regions, the lab holds a copy of every
 * reference file that has such a region, with that chapter's regions (and only that
 * chapter's) replaced by a stub that compiles and throws, naming its task. A file's path
 * in the lab is its path under reference/ ({@code api/src/main/java/...}), so the
 * suite runner can lay the lab back over the reference. The lab's README.adoc lists the
 * tasks, what each asks, the tests that check it and their points.
 *
 * <p>{@link #differences} is what keeps the committed labs honest: the build fails when
 * a region changed in the reference and nobody ran {@code kthw lab sync}.
 */
public final class LabGenerator {

    /** One lab as generated: files keyed by their path relative to the repository root. */
    public record Lab(Chapter chapter, List<Task> tasks, Map<Path, String> files) {
    }

    /** One task: a region cut out of {@code file} (path inside the lab) at {@code line}. */
    public record Task(String name, String file, int line, List<String> description, List<GradedTest> tests) {
        public int points() {
            return tests.stream().mapToInt(GradedTest::points).sum();
        }
    }

    private final Course course;

    public LabGenerator(Course course) {
        this.course = course;
    }

    /** Every lab the reference defines, by chapter number. */
    public Map<String, Lab> generate() {
        Map<String, Map<Path, List<Region>>> regionsByChapter = new TreeMap<>();
        for (Path file : referenceSources()) {
            List<String> lines = readLines(file);
            for (Region region : LabMarkers.parse(course.root().relativize(file).toString(), lines)) {
                if (!file.toString().endsWith(".java")) {
                    throw new IllegalArgumentException(file + ": lab regions are supported in .java files only");
                }
                regionsByChapter.computeIfAbsent(region.chapterTag(), k -> new TreeMap<>())
                        .computeIfAbsent(file, k -> new ArrayList<>()).add(region);
            }
        }
        List<GradedTest> graded = GradedTests.scan(course.tests().resolve("src/test/java"));
        Map<String, Lab> labs = new TreeMap<>();
        for (var entry : regionsByChapter.entrySet()) {
            Chapter chapter = course.findChapter(entry.getKey()).orElseThrow(() -> new IllegalArgumentException(
                    "lab regions for " + entry.getKey() + " but no chapters/" + entry.getKey().substring(2)
                            + "-*.adoc"));
            List<GradedTest> tests = graded.stream().filter(t -> t.chapterTag().equals(chapter.tag())).toList();
            labs.put(chapter.number(), lab(chapter, entry.getValue(), tests));
        }
        return labs;
    }

    /**
     * How the committed labs/ differ from what the reference generates, one line per
     * file; empty when they match.
     */
    public List<String> differences() {
        Map<Path, String> expected = new TreeMap<>();
        generate().values().forEach(lab -> expected.putAll(lab.files()));
        List<String> problems = new ArrayList<>();
        for (var entry : expected.entrySet()) {
            Path file = course.root().resolve(entry.getKey());
            if (!Files.exists(file)) {
                problems.add("missing: " + entry.getKey());
            } else if (!readString(file).equals(entry.getValue())) {
                problems.add("differs: " + entry.getKey());
            }
        }
        for (Path file : committedLabFiles()) {
            if (!expected.containsKey(course.root().relativize(file))) {
                problems.add("not generated (stale): " + course.root().relativize(file));
            }
        }
        return problems;
    }

    /** Writes every lab and removes lab files the reference no longer generates. */
    public List<String> sync() {
        List<String> changed = new ArrayList<>();
        Map<Path, String> expected = new TreeMap<>();
        generate().values().forEach(lab -> expected.putAll(lab.files()));
        try {
            for (var entry : expected.entrySet()) {
                Path file = course.root().resolve(entry.getKey());
                if (!Files.exists(file) || !readString(file).equals(entry.getValue())) {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, entry.getValue());
                    changed.add("wrote " + entry.getKey());
                }
            }
            for (Path file : committedLabFiles()) {
                if (!expected.containsKey(course.root().relativize(file))) {
                    Files.delete(file);
                    changed.add("removed " + course.root().relativize(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return changed;
    }

    private Lab lab(Chapter chapter, Map<Path, List<Region>> regionsByFile, List<GradedTest> tests) {
        Map<Path, String> files = new LinkedHashMap<>();
        List<Task> tasks = new ArrayList<>();
        Set<String> taskNames = new TreeSet<>();
        Path labDir = course.root().relativize(course.lab(chapter));
        for (var entry : regionsByFile.entrySet()) {
            Path inLab = course.reference().relativize(entry.getKey());
            List<String> lines = readLines(entry.getKey());
            List<String> out = new ArrayList<>();
            int next = 0;
            for (Region region : entry.getValue()) {
                if (!taskNames.add(region.task())) {
                    throw new IllegalArgumentException("task " + region.task() + " of " + chapter.tag()
                            + " is marked twice");
                }
                out.addAll(lines.subList(next, region.begin()));
                List<GradedTest> checks = tests.stream().filter(t -> t.task().equals(region.task())).toList();
                tasks.add(new Task(region.task(), inLab.toString(), out.size() + 1, region.description(), checks));
                out.addAll(stub(chapter, region));
                next = region.end() + 1;
            }
            out.addAll(lines.subList(next, lines.size()));
            files.put(labDir.resolve(inLab), String.join("\n", out) + "\n");
        }
        for (GradedTest test : tests) {
            if (!taskNames.contains(test.task())) {
                throw new IllegalArgumentException(test.displayName() + " is graded for task " + test.task()
                        + ", which no lab-" + chapter.tag() + "-* region defines");
            }
        }
        for (Task task : tasks) {
            if (task.tests().isEmpty()) {
                throw new IllegalArgumentException("task " + task.name() + " of " + chapter.tag()
                        + " has no @Graded test in the chapter suite");
            }
        }
        // The suite is written in teaching order; the tasks follow it.
        tasks.sort(Comparator.comparingInt(task -> tests.indexOf(task.tests().get(0))));
        files.put(labDir.resolve("README.adoc"), LabReadme.render(chapter, tasks));
        return new Lab(chapter, tasks, files);
    }

    /** What a student finds where the reference's code was: the task, and a throw. */
    private static List<String> stub(Chapter chapter, Region region) {
        String indent = region.indent();
        List<String> stub = new ArrayList<>();
        stub.add(indent + "// TODO lab " + chapter.number() + ", task " + region.task() + ":");
        region.description().forEach(line -> stub.add(indent + "// " + line));
        stub.add(indent + "throw new UnsupportedOperationException(\"lab " + chapter.number() + ", task "
                + region.task() + ": not written yet (see labs/" + chapter.id() + "/README.adoc)\");");
        return stub;
    }

    private List<Path> referenceSources() {
        try (Stream<Path> files = Files.walk(course.reference())) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> course.reference().relativize(f).toString().matches("[^/]+/src/main/.*"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Path> committedLabFiles() {
        if (!Files.isDirectory(course.labs())) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(course.labs())) {
            return files.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's lines, without the empty string a final newline would add. */
    private static List<String> readLines(Path file) {
        String text = readString(file);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (text.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
