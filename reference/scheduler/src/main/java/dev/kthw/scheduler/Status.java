package dev.kthw.scheduler;

import java.util.List;

// tag::status[]
/**
 * What a plugin says about a pod (and, for Filter, a node), as kube-scheduler's
 * framework.Status: a code and the reasons a user will read in the FailedScheduling event.
 *
 * <ul>
 * <li>SUCCESS: go on.</li>
 * <li>UNSCHEDULABLE: not here, but preemption might make room (evicting pods can free cpu).</li>
 * <li>UNSCHEDULABLE_AND_UNRESOLVABLE: not here, and evicting pods would not help (a node
 *     selector that does not match, a taint). Preemption skips such nodes.</li>
 * <li>SKIP: a PreFilter or PreScore plugin has nothing to do for this pod; its Filter or
 *     Score is then not run.</li>
 * <li>ERROR: something broke; the pod goes back to the queue with backoff.</li>
 * </ul>
 */
public record Status(Code code, List<String> reasons, String plugin) {

    public enum Code { SUCCESS, UNSCHEDULABLE, UNSCHEDULABLE_AND_UNRESOLVABLE, SKIP, ERROR }

    public static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), "");
    public static final Status SKIP = new Status(Code.SKIP, List.of(), "");

    public Status {
        reasons = List.copyOf(reasons);
    }

    public static Status unschedulable(String... reasons) {
        return new Status(Code.UNSCHEDULABLE, List.of(reasons), "");
    }

    public static Status unresolvable(String... reasons) {
        return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons), "");
    }

    public static Status error(String reason) {
        return new Status(Code.ERROR, List.of(reason), "");
    }
    // end::status[]

    public boolean isSuccess() {
        return code == Code.SUCCESS;
    }

    public boolean isRejection() {
        return code == Code.UNSCHEDULABLE || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
    }

    /** The same verdict, signed by the plugin that gave it. */
    public Status from(String pluginName) {
        return new Status(code, reasons, pluginName);
    }
}
