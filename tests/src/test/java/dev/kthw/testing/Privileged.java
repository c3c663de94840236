package dev.kthw.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test (or class) that needs root: network namespaces, runc, iptables, mounts.
 *
 * <p>Without root it is skipped with a message saying why, so a student on a laptop can
 * still run the rest. With {@code KTHW_REQUIRE_PRIVILEGED=1} (CI, and {@code kthw test}
 * under {@code CI=true}) it fails instead, so a run cannot pass by skipping.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag("privileged")
@ExtendWith(PrivilegedCondition.class)
public @interface Privileged {
    /** Programs the test needs on PATH besides root, e.g. {@code "ip"}, {@code "runc"}. */
    String[] programs() default {};
}
