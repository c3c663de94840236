package dev.kthw.course;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A tiny course in a temporary directory: one chapter, one marked region, one graded test. */
final class FixtureCourse {

    static final String DEMO = """
            package demo;

            public final class Demo {
                // tag::shown[]
                static int twice(int x) {
                    return 2 * x;
                }
                // end::shown[]

                static int square(int x) {
                    // tag::lab-ch01-square[]
                    // lab: Return x times x.
                    return x * x;
                    // end::lab-ch01-square[]
                }
            }
            """;

    static final String DEMO_TEST = """
            package demo;

            @Tag("ch01")
            class DemoTest {
                @Test
                @Graded(points = 3, task = "square")
                void squares() {
                }

                @Test
                void notGraded() {
                }
            }
            """;

    private FixtureCourse() {
    }

    static Course create(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("kthw"), "#!/bin/sh\n");
            write(dir.resolve("reference/demo/src/main/java/demo/Demo.java"), DEMO);
            write(dir.resolve("tests/src/test/java/demo/DemoTest.java"), DEMO_TEST);
            write(dir.resolve("chapters/01-demo.adoc"), """
                    = Chapter 01: Demo
                    :description: A demonstration.

                    [source,java]
                    ----
                    include::../reference/demo/src/main/java/demo/Demo.java[tag=shown]
                    ----
                    """);
            return new Course(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
