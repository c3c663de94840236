package dev.kthw.course;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the regions of a reference source file that a student writes in a lab.
 *
 * <p>A region is an AsciiDoc tag pair named {@code lab-chNN-TASK}, so the same marker
 * lets a chapter include the code and the generator cut it out:
 * <pre>
 *     public static List&lt;String&gt; isDns1123Label(String value) {
 *         // tag::lab-ch01-dns1123-label[]
 *         // lab: what to write, kept in the starter and listed in the lab README
 *         ...the reference solution...
 *         // end::lab-ch01-dns1123-label[]
 *     }
 * </pre>
 * A region must end a method body: the starter replaces it with a {@code throw}, and
 * Java rejects code after a throw. Regions cannot nest, and each task name appears once
 * per chapter; a broken marker is an error, never silently ignored.
 */
public final class LabMarkers {

    private static final Pattern BEGIN = Pattern.compile("^(\\s*)//\\s*tag::lab-(ch\\d\\d)-([a-z0-9-]+)\\[]\\s*$");
    private static final Pattern END = Pattern.compile("^\\s*//\\s*end::lab-(ch\\d\\d)-([a-z0-9-]+)\\[]\\s*$");
    private static final Pattern ANY_LAB_TAG = Pattern.compile("^\\s*//.*(tag|end)::lab-");
    private static final Pattern DESCRIPTION = Pattern.compile("^\\s*//\\s?lab:\\s?(.*)$");

    /**
     * One marked region: lines {@code begin} and {@code end} (0-based, the marker lines
     * themselves), its indentation, and the {@code // lab:} lines that describe the task.
     */
    public record Region(String chapterTag, String task, int begin, int end, String indent,
                         List<String> description) {
    }

    private LabMarkers() {
    }

    /** The regions of one file, in order. {@code file} only names the file in errors. */
    public static List<Region> parse(String file, List<String> lines) {
        List<Region> regions = new ArrayList<>();
        Matcher open = null;
        int openLine = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher begin = BEGIN.matcher(line);
            Matcher end = END.matcher(line);
            if (begin.matches()) {
                if (open != null) {
                    throw error(file, i, "region " + name(open) + " opened on line " + (openLine + 1)
                            + " is still open (regions cannot nest)");
                }
                open = begin;
                openLine = i;
            } else if (end.matches()) {
                if (open == null) {
                    throw error(file, i, "end of region lab-" + end.group(1) + "-" + end.group(2)
                            + " without a beginning");
                }
                if (!open.group(2).equals(end.group(1)) || !open.group(3).equals(end.group(2))) {
                    throw error(file, i, "region " + name(open) + " ends with the tag of another region");
                }
                regions.add(new Region(open.group(2), open.group(3), openLine, i, open.group(1),
                        description(lines, openLine + 1, i)));
                open = null;
            } else if (ANY_LAB_TAG.matcher(line).find()) {
                throw error(file, i, "malformed lab marker (expected '// tag::lab-chNN-task[]' or "
                        + "'// end::lab-chNN-task[]' alone on the line)");
            }
        }
        if (open != null) {
            throw error(file, openLine, "region " + name(open) + " is never closed");
        }
        return regions;
    }

    /** The {@code // lab:} lines at the top of a region, without the marker. */
    private static List<String> description(List<String> lines, int from, int to) {
        List<String> text = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Matcher m = DESCRIPTION.matcher(lines.get(i));
            if (!m.matches()) {
                break;
            }
            text.add(m.group(1));
        }
        return text;
    }

    private static String name(Matcher begin) {
        return "lab-" + begin.group(2) + "-" + begin.group(3);
    }

    private static IllegalArgumentException error(String file, int line, String message) {
        return new IllegalArgumentException(file + ":" + (line + 1) + ": " + message);
    }
}
