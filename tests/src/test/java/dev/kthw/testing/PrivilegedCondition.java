package dev.kthw.testing;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Decides, before a {@link Privileged} test runs, whether it can: root, and the programs
 * it names on PATH. If not, the test is skipped with the reason, or fails with it when
 * {@code KTHW_REQUIRE_PRIVILEGED=1}.
 */
final class PrivilegedCondition implements BeforeAllCallback, BeforeEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        check(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        check(context);
    }

    private static void check(ExtensionContext context) {
        decide(missing(context), requirePrivileged()).run();
    }

    /**
     * What to do about a privileged test: run it (nothing missing), skip it with the
     * reason, or fail it when privileged tests are required. Kept apart from JUnit so
     * the rule itself can be tested without changing who runs the tests.
     */
    static Runnable decide(List<String> missing, boolean required) {
        if (missing.isEmpty()) {
            return () -> { };
        }
        String reason = "needs " + String.join(", ", missing);
        if (required) {
            return () -> {
                throw new IllegalStateException("privileged test cannot run: " + reason
                        + " (KTHW_REQUIRE_PRIVILEGED=1 turns this skip into a failure)");
            };
        }
        return () -> Assumptions.abort("skipped: " + reason + " (run ./kthw test as root to include it)");
    }

    private static List<String> missing(ExtensionContext context) {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root");
        }
        List<Privileged> marks = new ArrayList<>();
        context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, Privileged.class))
                .ifPresent(marks::add);
        context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, Privileged.class))
                .ifPresent(marks::add);
        for (Privileged mark : marks) {
            for (String program : mark.programs()) {
                if (!onPath(program)) {
                    missing.add(program + " on PATH");
                }
            }
        }
        return missing;
    }

    static boolean requirePrivileged() {
        return "1".equals(System.getenv("KTHW_REQUIRE_PRIVILEGED"));
    }

    /** The effective user is root (uid 0): the JDK's own view of the process's uid. */
    static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
