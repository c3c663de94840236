package dev.kthw.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * Which plugins run at each extension point, in order: a profile as a
 * KubeSchedulerConfiguration spells it out, where a plugin may be enabled at one point
 * (its filter) and disabled at another (its score).
 */
public record ExtensionPoints(List<Plugin.PreFilter> preFilter, List<Plugin.Filter> filter,
        List<Plugin.PostFilter> postFilter, List<Plugin.PreScore> preScore, List<Plugin.Score> score,
        List<Plugin.Reserve> reserve, List<Plugin.Bind> bind) {

    public ExtensionPoints {
        preFilter = List.copyOf(preFilter);
        filter = List.copyOf(filter);
        postFilter = List.copyOf(postFilter);
        preScore = List.copyOf(preScore);
        score = List.copyOf(score);
        reserve = List.copyOf(reserve);
        bind = List.copyOf(bind);
    }

    /** Each plugin at every point it implements (KubeSchedulerConfiguration's multiPoint). */
    public static ExtensionPoints of(List<? extends Plugin> plugins) {
        ExtensionPoints none = new ExtensionPoints(List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of());
        for (Plugin p : plugins) {
            none = none.with(p);
        }
        return none;
    }

    /** These points and the plugin at every point it implements, after the others. */
    public ExtensionPoints with(Plugin p) {
        return new ExtensionPoints(plus(preFilter, p, Plugin.PreFilter.class), plus(filter, p, Plugin.Filter.class),
                plus(postFilter, p, Plugin.PostFilter.class), plus(preScore, p, Plugin.PreScore.class),
                plus(score, p, Plugin.Score.class), plus(reserve, p, Plugin.Reserve.class),
                plus(bind, p, Plugin.Bind.class));
    }

    private static <T> List<T> plus(List<T> list, Plugin p, Class<T> point) {
        if (!point.isInstance(p)) {
            return list;
        }
        List<T> more = new ArrayList<>(list);
        more.add(point.cast(p));
        return more;
    }
}
