package dev.kthw.course;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Reads the {@code TEST-*.xml} files Surefire writes: one {@link Case} per test run. */
public final class SurefireReports {

    /** How one test ended. */
    public enum Result { PASSED, FAILED, SKIPPED }

    /** One {@code <testcase>}: its class, its name as Surefire wrote it, and the outcome. */
    public record Case(String className, String name, Result result, String message, double seconds) {
        /** Whether this case is a run of {@code method} (parameterized runs add a suffix). */
        public boolean isRunOf(String method) {
            return name.equals(method) || name.startsWith(method + "(") || name.startsWith(method + "[")
                    || name.startsWith(method + " ");
        }
    }

    private SurefireReports() {
    }

    /** Every case in every report under {@code dir}; empty when there is no such directory. */
    public static List<Case> read(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) {
                cases.addAll(readFile(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    public static List<Case> readFile(Path file) {
        List<Case> cases = new ArrayList<>();
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            NodeList testcases = factory.newDocumentBuilder().parse(file.toFile()).getElementsByTagName("testcase");
            for (int i = 0; i < testcases.getLength(); i++) {
                Element testcase = (Element) testcases.item(i);
                Result result = Result.PASSED;
                String message = "";
                for (String tag : List.of("failure", "error", "skipped")) {
                    NodeList problem = testcase.getElementsByTagName(tag);
                    if (problem.getLength() > 0) {
                        Element e = (Element) problem.item(0);
                        result = tag.equals("skipped") ? Result.SKIPPED : Result.FAILED;
                        message = describe(e);
                        break;
                    }
                }
                cases.add(new Case(testcase.getAttribute("classname"), testcase.getAttribute("name"), result,
                        message, parseSeconds(testcase.getAttribute("time"))));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the test report " + file + ": " + e.getMessage(), e);
        }
        return cases;
    }

    /** The message, then the first lines of the stack trace: enough to see what went wrong. */
    private static String describe(Element problem) {
        String message = problem.getAttribute("message");
        String type = problem.getAttribute("type");
        List<String> trace = problem.getTextContent().lines().limit(12).toList();
        StringBuilder s = new StringBuilder();
        if (!type.isEmpty()) {
            s.append(type).append(": ");
        }
        s.append(message);
        for (String line : trace) {
            if (line.trim().startsWith("at ")) {
                s.append('\n').append(line);
            }
        }
        return s.toString().strip();
    }

    private static double parseSeconds(String time) {
        try {
            return Double.parseDouble(time.replace(",", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
