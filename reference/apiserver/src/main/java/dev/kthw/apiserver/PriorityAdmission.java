package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.api.FieldError;
import dev.kthw.api.Status;
import dev.kthw.store.KeyValue;
import dev.kthw.store.Storage;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Admission's Priority plugin: a pod's priority is decided by the PriorityClass it names,
 * never by the pod itself, so the scheduler (chapter 03) can trust {@code spec.priority}
 * when it orders its queue and when it picks pods to preempt.
 *
 * <p>On a pod's create:
 * <ul>
 *   <li>a pod naming {@code spec.priorityClassName} gets the class's value as
 *       {@code spec.priority} and its {@code preemptionPolicy}; naming a class that does
 *       not exist is 403 Forbidden;</li>
 *   <li>a pod naming no class gets the global default class (the lowest value, should
 *       several claim to be the default), and that class's name; with no default class,
 *       priority 0 and PreemptLowerPriority;</li>
 *   <li>a priority or preemption policy the client wrote that differs from the class's is
 *       403: a pod cannot promote itself.</li>
 * </ul>
 * On a pod's update, a body without priority keeps the stored one. A PriorityClass may be
 * the global default only if no other class is; its value and preemption policy never
 * change; and the system classes, which the API server creates at start-up, cannot be
 * deleted.
 *
 * <p>A create must not pay a store read for this: the classes come from a
 * {@link PrefixCache}, as kube-apiserver's plugin reads them from an informer. A class
 * created a moment ago that the cache has not seen yet is looked up in the store.
 *
 * <p>Simpler than Kubernetes: kthw has no admission chain; {@code Handlers} calls this
 * before the registry, so it runs before NamespaceLifecycle, not after it. kthw's
 * validation sees only the new object, so the rules of an update that compare it with
 * the old one (value and preemptionPolicy are immutable) are checked here.
 */
final class PriorityAdmission implements AutoCloseable {

    /** What admission needs of a PriorityClass. */
    record PriorityClass(String name, int value, boolean globalDefault, String preemptionPolicy,
                         String description) {
    }

    static final String PREEMPT_LOWER_PRIORITY = "PreemptLowerPriority";
    /** The highest value a class that is not one of the system's may have. */
    static final int HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
    /** Names with this prefix belong to {@link #SYSTEM_CLASSES}. */
    static final String SYSTEM_PREFIX = "system-";
    /** The classes every cluster has, above any a user can make; kube-apiserver creates them too. */
    static final List<PriorityClass> SYSTEM_CLASSES = List.of(
            new PriorityClass("system-cluster-critical", 2 * HIGHEST_USER_DEFINABLE_PRIORITY, false,
                    PREEMPT_LOWER_PRIORITY, "For pods the cluster cannot work without; they may move to another node."),
            new PriorityClass("system-node-critical", 2 * HIGHEST_USER_DEFINABLE_PRIORITY + 1000, false,
                    PREEMPT_LOWER_PRIORITY, "For pods a node cannot work without; they never leave their node."));

    private final PrefixCache<PriorityClass> classes;

    /** @param prefix where PriorityClasses are kept: {@code .../priorityclasses/} */
    PriorityAdmission(Storage storage, String prefix) {
        this.classes = new PrefixCache<>(storage, prefix, "priority-admission", PriorityAdmission::read);
    }

    /** Admits a create: a pod gets its priority; a class must not be a second default. Other kinds pass. */
    void admitCreate(ResourceType type, ObjectNode object) {
        if (isPod(type)) {
            admitPod(object);
        } else if (isPriorityClass(type)) {
            requireOnlyDefault(object, false);
        }
    }

    /**
     * Admits an update of the object itself (not its status). {@code current} reads the
     * stored object, and is called only when a rule needs it.
     */
    void admitUpdate(ResourceType type, ObjectNode object, Supplier<ObjectNode> current) {
        if (isPod(type)) {
            ObjectNode spec = Json.child(object, "spec");
            if (!spec.hasNonNull("priority") || !spec.hasNonNull("preemptionPolicy")) {
                JsonNode stored = current.get().path("spec");   // set at create; validation would refuse a change
                for (String field : List.of("priority", "preemptionPolicy")) {
                    if (!spec.hasNonNull(field) && stored.hasNonNull(field)) {
                        spec.set(field, stored.get(field));
                    }
                }
            }
        } else if (isPriorityClass(type)) {
            requireUnchanged(object, current.get());
            requireOnlyDefault(object, true);
        }
    }

    /** The system classes stay: kube-apiserver would only create them again at its next start. */
    void admitDelete(ResourceType type, String name) {
        if (isPriorityClass(type) && SYSTEM_CLASSES.stream().anyMatch(c -> c.name().equals(name))) {
            throw forbidden(type, name, "this is a system priority class and cannot be deleted");
        }
    }

    /** The class that pods without one get, if any: the lowest-valued of those marked globalDefault. */
    Optional<PriorityClass> globalDefault() {
        return classes.all().stream().filter(PriorityClass::globalDefault)
                .min(Comparator.comparingInt(PriorityClass::value));
    }

    private void admitPod(ObjectNode pod) {
        ObjectNode spec = Json.child(pod, "spec");
        String className = Json.text(spec, "priorityClassName");
        int priority = 0;
        String policy = PREEMPT_LOWER_PRIORITY;
        if (className.isEmpty()) {
            Optional<PriorityClass> fallback = globalDefault();
            if (fallback.isPresent()) {
                spec.put("priorityClassName", fallback.get().name());
                priority = fallback.get().value();
                policy = fallback.get().preemptionPolicy();
            }
        } else {
            PriorityClass named = classes.lookup(className).orElseThrow(() -> forbidden(pod,
                    "no PriorityClass with name " + className + " was found"));
            priority = named.value();
            policy = named.preemptionPolicy();
        }
        JsonNode asked = spec.get("priority");
        if (asked != null && !asked.isNull() && !(asked.canConvertToInt() && asked.asInt() == priority)) {
            throw forbidden(pod, "the integer value of priority (" + asked.asText() + ") must not be provided in "
                    + "pod spec; priority admission controller computed " + priority
                    + " from the given PriorityClass name");
        }
        spec.put("priority", priority);
        String askedPolicy = Json.text(spec, "preemptionPolicy");
        if (!askedPolicy.isEmpty() && !askedPolicy.equals(policy)) {
            throw forbidden(pod, "the string value of PreemptionPolicy (" + askedPolicy + ") must not be provided "
                    + "in pod spec; priority admission controller computed " + policy
                    + " from the given PriorityClass name");
        }
        spec.put("preemptionPolicy", policy);
    }

    /** At most one class is the global default; {@code updating} lets the default itself be updated. */
    private void requireOnlyDefault(ObjectNode priorityClass, boolean updating) {
        if (!priorityClass.path("globalDefault").asBoolean(false)) {
            return;
        }
        String name = Json.text(priorityClass, "metadata.name");
        Optional<PriorityClass> existing = globalDefault();
        if (existing.isPresent() && !(updating && existing.get().name().equals(name))) {
            ResourceType type = Resources.find("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
            throw forbidden(type, name, "PriorityClass " + existing.get().name()
                    + " is already marked as default. Only one default can exist");
        }
    }

    /** ValidatePriorityClassUpdate's rules: value and preemptionPolicy are fixed at creation. */
    private static void requireUnchanged(ObjectNode updated, ObjectNode current) {
        String name = Json.text(current, "metadata.name");
        JsonNode value = updated.path("value");
        if (!value.isIntegralNumber() || value.asLong() != current.path("value").asLong()) {
            throw new ApiException(Status.invalid("scheduling.k8s.io", "PriorityClass", name,
                    List.of(FieldError.forbidden("value", "may not be changed in an update."))));
        }
        // Left out, it is defaulted to PreemptLowerPriority, as decoding does in Kubernetes.
        String policy = orDefault(Json.text(updated, "preemptionPolicy"));
        if (!policy.equals(orDefault(Json.text(current, "preemptionPolicy")))) {
            throw new ApiException(Status.invalid("scheduling.k8s.io", "PriorityClass", name,
                    List.of(FieldError.invalid("preemptionPolicy", policy, "field is immutable"))));
        }
    }

    private static String orDefault(String preemptionPolicy) {
        return preemptionPolicy.isEmpty() ? PREEMPT_LOWER_PRIORITY : preemptionPolicy;
    }

    private static PriorityClass read(KeyValue kv) {
        ObjectNode object = Json.object(kv.value());
        return new PriorityClass(Json.text(object, "metadata.name"), object.path("value").asInt(0),
                object.path("globalDefault").asBoolean(false), orDefault(Json.text(object, "preemptionPolicy")),
                Json.text(object, "description"));
    }

    /** A system class as the object the API server stores at start-up. */
    static ObjectNode toObject(PriorityClass c) {
        ObjectNode object = Json.MAPPER.createObjectNode().put("apiVersion", "scheduling.k8s.io/v1")
                .put("kind", "PriorityClass");
        object.putObject("metadata").put("name", c.name());
        return object.put("value", c.value()).put("description", c.description())
                .put("preemptionPolicy", c.preemptionPolicy());
    }

    /**
     * 403 as admission words it: {@code pods "web" is forbidden: ...}. A pod with only a
     * generateName is named by its prefix, since its name is not made up yet.
     */
    private static ApiException forbidden(ObjectNode pod, String why) {
        String name = Json.text(pod, "metadata.name");
        return forbidden(Resources.find("", "v1", "pods").orElseThrow(),
                name.isEmpty() ? Json.text(pod, "metadata.generateName") : name, why);
    }

    private static ApiException forbidden(ResourceType type, String name, String why) {
        String message = name.isEmpty() ? type.qualifiedResource() + " is forbidden: " + why
                : type.qualifiedResource() + " \"" + name + "\" is forbidden: " + why;
        return new ApiException(Status.failure(403, "Forbidden", message,
                new Status.Details(name, type.group().isEmpty() ? null : type.group(), type.plural(), null)));
    }

    private static boolean isPod(ResourceType type) {
        return type.qualifiedKind().equals("Pod");
    }

    private static boolean isPriorityClass(ResourceType type) {
        return type.qualifiedKind().equals("PriorityClass.scheduling.k8s.io");
    }

    @Override
    public void close() {
        classes.close();
    }
}
