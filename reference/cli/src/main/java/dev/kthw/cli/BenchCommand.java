package dev.kthw.cli;

import dev.kthw.course.Course;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code kthw bench}: runs the benchmarks under tests/ (tag {@code benchmark}) and prints
 * their figures. Figures are ratios to a baseline measured in the same run, or latency
 * distributions; a benchmark fails only when the work itself went wrong.
 */
@Command(name = "bench", description = "Run the benchmarks under tests/ and print their figures.")
final class BenchCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Course course = Course.locate();
        List<String> command = List.of("mvn", "-B", "-ntp", "-Dstyle.color=never", "-pl", "tests", "-am", "test",
                "-Dgroups=benchmark", "-DexcludedGroups=none", "-Dsurefire.failIfNoSpecifiedTests=false");
        System.out.println("kthw bench: " + String.join(" ", command) + " (several minutes)");
        Process p = new ProcessBuilder(command).directory(course.root().toFile()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("BENCH") || line.contains("Tests run:") || line.contains("ERROR")) {
                    System.out.println(line);
                }
            }
        }
        return p.waitFor() == 0 ? 0 : 1;
    }
}
