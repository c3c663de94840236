package dev.kthw.course;

import dev.kthw.course.Course.Chapter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Finds the lab inside what a student handed in: a directory, a zip file, or a git
 * repository (its committed state at HEAD). A zip is unpacked and a repository cloned
 * into a scratch directory; a plain directory is only read. Inside, the lab is
 * {@code labs/NN-slug/} when the submission is a whole checkout, or the submission itself
 * when it is a copy of the lab folder.
 */
public final class Submission {

    /** The lab folder to lay over the reference, and a line saying what was found. */
    public record Found(Path lab, String description) {
    }

    private Submission() {
    }

    public static Found locate(Path given, Chapter chapter, Path scratch) throws IOException, InterruptedException {
        if (!Files.exists(given)) {
            throw new IllegalArgumentException("no such submission: " + given);
        }
        if (Files.isRegularFile(given)) {
            if (!given.getFileName().toString().toLowerCase().endsWith(".zip")) {
                throw new IllegalArgumentException("a submission is a directory, a .zip file or a git repository: "
                        + given);
            }
            Path dir = unzip(given, Files.createDirectories(scratch.resolve("unzipped")));
            return new Found(findLab(dir, chapter, given), "zip file " + given);
        }
        if (isGitRepository(given)) {
            Path clone = scratch.resolve("clone");
            String head = git(given, "rev-parse", "--short", "HEAD");
            git(given, "clone", "--quiet", "--no-hardlinks", given.toAbsolutePath().toString(), clone.toString());
            return new Found(findLab(clone, chapter, given), "git repository " + given + " at commit " + head);
        }
        return new Found(findLab(given, chapter, given), "directory " + given);
    }

    private static Path findLab(Path dir, Chapter chapter, Path given) throws IOException {
        for (int depth = 0; depth < 3; depth++) {
            Path inCheckout = dir.resolve("labs").resolve(chapter.id());
            if (Files.isDirectory(inCheckout)) {
                return inCheckout;
            }
            if (looksLikeLab(dir)) {
                return dir;
            }
            List<Path> children;
            try (Stream<Path> list = Files.list(dir)) {
                children = list.filter(Files::isDirectory)
                        .filter(p -> !p.getFileName().toString().startsWith(".")).toList();
            }
            if (children.size() != 1) {
                break;
            }
            dir = children.get(0);
        }
        throw new IllegalArgumentException("cannot find lab " + chapter.number() + " in " + given + ": expected "
                + "labs/" + chapter.id() + "/ in a checkout, or a copy of that folder (with MODULE/src/main/...)");
    }

    /** A copy of a lab folder has MODULE/src/main/ directories at its top. */
    private static boolean looksLikeLab(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.anyMatch(p -> Files.isDirectory(p.resolve("src/main")));
        }
    }

    /** Unpacks a zip, refusing entries that would land outside {@code to}. */
    static Path unzip(Path zip, Path to) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream zin = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = zin.getNextEntry()) != null; ) {
                Path target = to.resolve(entry.getName()).normalize();
                if (!target.startsWith(to)) {
                    throw new IllegalArgumentException("zip entry outside the submission: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zin, target);
                }
            }
        }
        return to;
    }

    private static boolean isGitRepository(Path dir) {
        return Files.exists(dir.resolve(".git")) || (Files.isDirectory(dir.resolve("objects"))
                && Files.isRegularFile(dir.resolve("HEAD")));
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalArgumentException("git " + String.join(" ", args) + " failed in " + dir + ": " + out);
        }
        return out;
    }
}
