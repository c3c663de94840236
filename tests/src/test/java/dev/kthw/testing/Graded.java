package dev.kthw.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a chapter-suite test as graded: how many points it is worth, and which lab task
 * it checks (the task name of a {@code lab-chNN-TASK} region in the reference).
 *
 * <p>The grader reads this annotation from the source, so keep it on one line, right
 * above or below {@code @Test}, in the form {@code @Graded(points = 2, task = "labels")}.
 * Every graded test must fail on the untouched lab starter; the build checks that.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Graded {
    int points();

    String task();
}
