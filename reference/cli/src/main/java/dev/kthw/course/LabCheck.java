package dev.kthw.course;

import dev.kthw.course.SuiteRunner.Result;
import dev.kthw.course.SuiteRunner.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * The two directions every lab must satisfy: the suite passes completely on the
 * reference, and every graded test fails on the untouched starter (a test that passes on
 * a stub grades nothing). The starter must compile, or students start from a wreck.
 */
public final class LabCheck {

    private LabCheck() {
    }

    /** What is wrong, one line per problem; empty when the lab is sound. */
    public static List<String> problems(Result onReference, Result onStarter) {
        List<String> problems = new ArrayList<>();
        if (!onReference.compiled()) {
            problems.add("the reference does not build: " + onReference.problem());
        }
        onReference.outcomes().stream().filter(o -> o.status() != Status.PASSED)
                .forEach(o -> problems.add("fails on the reference: " + o.test().displayName() + ": "
                        + o.output().lines().findFirst().orElse("")));
        if (!onStarter.compiled()) {
            problems.add("the starter does not compile: " + onStarter.problem());
        }
        onStarter.outcomes().stream().filter(o -> o.status() == Status.PASSED)
                .forEach(o -> problems.add("passes on the untouched starter (grades nothing): "
                        + o.test().displayName()));
        if (onReference.outcomes().isEmpty()) {
            problems.add("the chapter suite has no graded tests");
        }
        return problems;
    }
}
