package dev.kthw.apiserver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of the real kubectl in a test: its exit code, what it printed on stdout (with
 * terminal colours removed: cluster-info colours its output even into a file) and on
 * stderr, which the tests require to be empty wherever a real cluster's would be.
 */
record KubectlRun(int exit, String out, String err) {

    /** The output's lines with runs of spaces made one, as a reader compares columns. */
    List<String> lines() {
        return out.lines().map(l -> l.replaceAll("\\s+", " ").strip()).toList();
    }

    /** Runs {@code command} with {@code env} added, its output in files under {@code scratch}; at most 60 s. */
    static KubectlRun run(List<String> command, Map<String, String> env, Path scratch) throws Exception {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return new KubectlRun(p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*m", ""),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
