package dev.kthw.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kthw.api.GoDuration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The scheduler's {@code --config} file: a KubeSchedulerConfiguration
 * ({@code kubescheduler.config.k8s.io/v1}), read as kube-scheduler reads it.
 *
 * <pre>
 * apiVersion: kubescheduler.config.k8s.io/v1
 * kind: KubeSchedulerConfiguration
 * leaderElection: {leaderElect: true}
 * percentageOfNodesToScore: 0
 * profiles:
 * - schedulerName: default-scheduler
 *   plugins:
 *     score:
 *       disabled: [{name: NodeResourcesBalancedAllocation}]
 *       enabled: [{name: NodeResourcesFit, weight: 5}]
 *   pluginConfig:
 *   - name: NodeResourcesFit
 *     args: {scoringStrategy: {type: MostAllocated}}
 * </pre>
 *
 * <p>A profile starts from the default plugins at every extension point each implements
 * (the default {@code multiPoint}); {@code disabled} removes names ({@code "*"}: all the
 * defaults of that point), {@code enabled} adds them after the rest, with a weight for
 * score. Each profile is one scheduler name; pods name theirs in {@code spec.schedulerName}.
 *
 * <p>Simpler than kube-scheduler: only v1 is read (not v1beta3); of the extension points,
 * those kthw has (no preEnqueue, permit, preBind, postBind), and the only queueSort is
 * PrioritySort; no extenders; an enabled default plugin is not moved to its new place.
 */
public final class SchedulerConfiguration {

    public static final String API_VERSION = "kubescheduler.config.k8s.io/v1";
    public static final String PRIORITY_SORT = "PrioritySort";
    public static final String DEFAULT_BINDER = "DefaultBinder";
    static final List<String> POINTS = List.of("preFilter", "filter", "postFilter", "preScore", "score", "reserve",
            "bind");
    private static final List<String> UNSUPPORTED_POINTS = List.of("preEnqueue", "permit", "preBind", "postBind");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One {@code enabled} or {@code disabled} entry. */
    public record PluginRef(String name, int weight) {
    }

    /** {@code plugins.<point>}: what is enabled and disabled there. */
    public record PluginSet(List<PluginRef> enabled, List<PluginRef> disabled) {
        static final PluginSet EMPTY = new PluginSet(List.of(), List.of());

        boolean disables(String name) {
            return disabled.stream().anyMatch(r -> r.name().equals("*") || r.name().equals(name));
        }
    }

    /** One {@code profiles[]} entry. {@code percentageOfNodesToScore} null: the top-level one. */
    public record Profile(String schedulerName, Integer percentageOfNodesToScore, Map<String, PluginSet> plugins,
            Map<String, JsonNode> pluginArgs) {
        PluginSet at(String point) {
            return plugins.getOrDefault(point, PluginSet.EMPTY);
        }
    }

    /** {@code leaderElection}: on a Lease, by default kube-system/kube-scheduler. */
    public record LeaderElection(boolean leaderElect, Duration leaseDuration, Duration renewDeadline,
            Duration retryPeriod, String resourceNamespace, String resourceName) {
        static final LeaderElection DEFAULT = new LeaderElection(true, Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(2), "kube-system", "kube-scheduler");
    }

    private final List<Profile> profiles;
    private final int percentageOfNodesToScore;
    private final LeaderElection leaderElection;
    private final String kubeconfig;
    private final Duration podInitialBackoff;
    private final Duration podMaxBackoff;

    public SchedulerConfiguration(List<Profile> profiles, int percentageOfNodesToScore, LeaderElection leaderElection,
            String kubeconfig, Duration podInitialBackoff, Duration podMaxBackoff) {
        this.profiles = List.copyOf(profiles);
        this.percentageOfNodesToScore = percentageOfNodesToScore;
        this.leaderElection = leaderElection;
        this.kubeconfig = kubeconfig;
        this.podInitialBackoff = podInitialBackoff;
        this.podMaxBackoff = podMaxBackoff;
    }

    /** No file: one profile of this name with the default plugins. */
    public static SchedulerConfiguration defaults(String schedulerName) {
        return new SchedulerConfiguration(List.of(new Profile(schedulerName, null, Map.of(), Map.of())), 0,
                LeaderElection.DEFAULT, "", SchedulingQueue.DEFAULT_INITIAL_BACKOFF,
                SchedulingQueue.DEFAULT_MAX_BACKOFF);
    }

    public static SchedulerConfiguration read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a KubeSchedulerConfiguration (YAML or JSON); IllegalArgumentException says what is wrong. */
    public static SchedulerConfiguration parse(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a KubeSchedulerConfiguration object");
        }
        if (!API_VERSION.equals(root.path("apiVersion").asText()) || !"KubeSchedulerConfiguration".equals(
                root.path("kind").asText())) {
            throw new IllegalArgumentException("expected apiVersion " + API_VERSION + " and kind "
                    + "KubeSchedulerConfiguration, not " + root.path("apiVersion").asText("(none)") + " "
                    + root.path("kind").asText("(none)"));
        }
        int percentage = percentage(root.path("percentageOfNodesToScore"), "percentageOfNodesToScore");
        List<Profile> profiles = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode p : root.path("profiles")) {
            Profile profile = profile(p, profiles.size());
            if (!names.add(profile.schedulerName())) {
                throw new IllegalArgumentException("profiles: duplicate schedulerName \"" + profile.schedulerName()
                        + "\"");
            }
            profiles.add(profile);
        }
        if (profiles.isEmpty()) {
            profiles.add(new Profile(Pod.DEFAULT_SCHEDULER, null, Map.of(), Map.of()));
        }
        JsonNode le = root.path("leaderElection");
        LeaderElection d = LeaderElection.DEFAULT;
        LeaderElection election = new LeaderElection(le.path("leaderElect").asBoolean(d.leaderElect()),
                duration(le, "leaseDuration", d.leaseDuration()), duration(le, "renewDeadline", d.renewDeadline()),
                duration(le, "retryPeriod", d.retryPeriod()),
                le.path("resourceNamespace").asText(d.resourceNamespace()),
                le.path("resourceName").asText(d.resourceName()));
        Duration initial = Duration.ofSeconds(root.path("podInitialBackoffSeconds").asLong(1));
        Duration max = Duration.ofSeconds(root.path("podMaxBackoffSeconds").asLong(10));
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("podInitialBackoffSeconds must be positive and at most "
                    + "podMaxBackoffSeconds");
        }
        return new SchedulerConfiguration(profiles, percentage, election,
                root.path("clientConnection").path("kubeconfig").asText(""), initial, max);
    }

    public List<Profile> profiles() {
        return profiles;
    }

    public LeaderElection leaderElection() {
        return leaderElection;
    }

    /** {@code clientConnection.kubeconfig}, or "" (the {@code --kubeconfig} flag wins over it). */
    public String kubeconfig() {
        return kubeconfig;
    }

    public Duration podInitialBackoff() {
        return podInitialBackoff;
    }

    public Duration podMaxBackoff() {
        return podMaxBackoff;
    }

    /** This configuration with leader election switched on or off (the {@code --leader-elect} flag). */
    public SchedulerConfiguration withLeaderElect(boolean on) {
        LeaderElection l = leaderElection;
        return new SchedulerConfiguration(profiles, percentageOfNodesToScore, new LeaderElection(on, l.leaseDuration(),
                l.renewDeadline(), l.retryPeriod(), l.resourceNamespace(), l.resourceName()), kubeconfig,
                podInitialBackoff, podMaxBackoff);
    }

    /**
     * The frameworks of every profile, their plugins made by the catalog. {@code binder} is
     * the DefaultBinder (it needs the API client); DefaultPreemption is made here, over the
     * profile's own filters.
     */
    public List<Framework> frameworks(PluginCatalog catalog, Plugin.Bind binder, RandomGenerator random) {
        List<Framework> frameworks = new ArrayList<>();
        for (Profile p : profiles) {
            frameworks.add(framework(p, catalog, binder, random));
        }
        return frameworks;
    }

    private Framework framework(Profile profile, PluginCatalog catalog, Plugin.Bind binder, RandomGenerator random) {
        Map<String, Plugin> instances = new HashMap<>();           // one instance per plugin name
        Function<String, Plugin> plugin = name -> instances.computeIfAbsent(name,
                n -> n.equals(DEFAULT_BINDER) ? binder : catalog.create(n, profile.pluginArgs().get(n)));
        List<String> defaults = new ArrayList<>(catalog.defaultPlugins());
        defaults.add(DEFAULT_BINDER);
        Map<String, Integer> weights = new HashMap<>(catalog.defaultScoreWeights());
        Map<String, List<Plugin>> at = new HashMap<>();
        for (String point : POINTS) {
            at.put(point, enabledAt(profile, point, defaults, plugin, weights));
        }
        int percentage = profile.percentageOfNodesToScore() != null ? profile.percentageOfNodesToScore()
                : percentageOfNodesToScore;
        Framework framework = new Framework(profile.schedulerName(), new ExtensionPoints(cast(at.get("preFilter")),
                cast(at.get("filter")), cast(at.get("postFilter")), cast(at.get("preScore")), cast(at.get("score")),
                cast(at.get("reserve")), cast(at.get("bind"))), weights, percentage, random);
        // Preemption re-runs the profile's own filters, so it joins the profile last.
        return preemptionEnabled(profile) ? framework.withPlugin(new DefaultPreemption(framework, random)) : framework;
    }

    /**
     * The plugins at one extension point, in order: the defaults that implement it and are
     * not disabled (here or in multiPoint), then those enabled (multiPoint, then here).
     * A score plugin enabled with a weight gets that weight.
     */
    private static List<Plugin> enabledAt(Profile profile, String point, List<String> defaults,
            Function<String, Plugin> plugin, Map<String, Integer> weights) {
        PluginSet set = profile.at(point);
        PluginSet multi = profile.at("multiPoint");
        List<Plugin> here = new ArrayList<>();
        for (String name : defaults) {
            if (!set.disables(name) && !multi.disables(name) && implementsPoint(plugin.apply(name), point)) {
                here.add(plugin.apply(name));
            }
        }
        for (PluginRef ref : concat(multi.enabled(), set.enabled())) {
            if (ref.name().equals(DefaultPreemption.NAME)) {
                continue;                                            // see preemptionEnabled
            }
            Plugin p = plugin.apply(ref.name());
            if (!implementsPoint(p, point)) {
                if (set.enabled().contains(ref)) {
                    throw new IllegalArgumentException("profile " + profile.schedulerName() + ": plugin " + ref.name()
                            + " has no " + point + " extension point");
                }
                continue;                                            // multiPoint: only where it has one
            }
            if (here.stream().noneMatch(x -> x.name().equals(ref.name()))) {
                here.add(p);
            }
            if (point.equals("score") && ref.weight() > 0) {
                weights.put(ref.name(), ref.weight());
            }
        }
        return here;
    }

    /** DefaultPreemption runs unless disabled at postFilter or multiPoint (and not enabled again). */
    private static boolean preemptionEnabled(Profile profile) {
        PluginSet post = profile.at("postFilter");
        PluginSet multi = profile.at("multiPoint");
        boolean enabled = concat(multi.enabled(), post.enabled()).stream()
                .anyMatch(r -> r.name().equals(DefaultPreemption.NAME));
        return enabled || !post.disables(DefaultPreemption.NAME) && !multi.disables(DefaultPreemption.NAME);
    }

    private static boolean implementsPoint(Plugin p, String point) {
        switch (point) {
            case "preFilter":
                return p instanceof Plugin.PreFilter;
            case "filter":
                return p instanceof Plugin.Filter;
            case "postFilter":
                return p instanceof Plugin.PostFilter;
            case "preScore":
                return p instanceof Plugin.PreScore;
            case "score":
                return p instanceof Plugin.Score;
            case "reserve":
                return p instanceof Plugin.Reserve;
            default:
                return p instanceof Plugin.Bind;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> cast(List<Plugin> plugins) {
        return (List<T>) (List<?>) plugins;
    }

    private static List<PluginRef> concat(List<PluginRef> a, List<PluginRef> b) {
        List<PluginRef> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Profile profile(JsonNode p, int index) {
        String where = "profiles[" + index + "]";
        String name = p.path("schedulerName").asText(Pod.DEFAULT_SCHEDULER);
        if (name.isEmpty()) {
            throw new IllegalArgumentException(where + ".schedulerName: must not be empty");
        }
        Integer percentage = p.has("percentageOfNodesToScore")
                ? percentage(p.path("percentageOfNodesToScore"), where + ".percentageOfNodesToScore") : null;
        Map<String, PluginSet> plugins = new HashMap<>();
        p.path("plugins").fields().forEachRemaining(e -> {
            String point = e.getKey();
            PluginSet set = new PluginSet(refs(e.getValue().path("enabled"), where, point),
                    refs(e.getValue().path("disabled"), where, point));
            if (UNSUPPORTED_POINTS.contains(point) && !set.enabled().isEmpty()) {
                throw new IllegalArgumentException(where + ".plugins." + point + ": kthw has no " + point
                        + " extension point");
            }
            if (point.equals("queueSort")) {
                if (set.enabled().stream().anyMatch(r -> !r.name().equals(PRIORITY_SORT))) {
                    throw new IllegalArgumentException(where + ".plugins.queueSort: only " + PRIORITY_SORT
                            + " is available");
                }
            } else if (!POINTS.contains(point) && !point.equals("multiPoint") && !UNSUPPORTED_POINTS.contains(point)) {
                throw new IllegalArgumentException(where + ".plugins: unknown extension point \"" + point + "\"");
            }
            plugins.put(point, set);
        });
        Map<String, JsonNode> args = new HashMap<>();
        for (JsonNode c : p.path("pluginConfig")) {
            String plugin = c.path("name").asText("");
            if (plugin.isEmpty()) {
                throw new IllegalArgumentException(where + ".pluginConfig: every entry needs a name");
            }
            args.put(plugin, c.path("args"));
        }
        return new Profile(name, percentage, plugins, args);
    }

    private static List<PluginRef> refs(JsonNode list, String where, String point) {
        List<PluginRef> refs = new ArrayList<>();
        for (JsonNode r : list) {
            String name = r.path("name").asText("");
            int weight = r.path("weight").asInt(0);
            if (name.isEmpty() || weight < 0) {
                throw new IllegalArgumentException(where + ".plugins." + point + ": every plugin needs a name, and a "
                        + "weight is not negative");
            }
            refs.add(new PluginRef(name, weight));
        }
        return refs;
    }

    private static int percentage(JsonNode value, String field) {
        if (value.isMissingNode() || value.isNull()) {
            return 0;
        }
        int n = value.asInt(-1);
        if (!value.canConvertToInt() || n < 0 || n > 100) {
            throw new IllegalArgumentException(field + ": must be 0 to 100, not " + value.asText());
        }
        return n;
    }

    /** A Go duration ("15s", "1m30s") from the file, or the default when absent. */
    private static Duration duration(JsonNode parent, String field, Duration otherwise) {
        if (!parent.has(field)) {
            return otherwise;
        }
        try {
            return GoDuration.parse(parent.path(field).asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("leaderElection." + field + ": " + e.getMessage(), e);
        }
    }
}
