package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Defaulting: the fields Kubernetes fills in when a client leaves them out, so that
 * {@code kubectl get -o yaml} shows the same object as a real cluster would (a pod's
 * restartPolicy, a container's imagePullPolicy, a Deployment's strategy, ...).
 *
 * <p>Kubernetes runs defaulting on every decode; we run it on create and update, which
 * is where objects enter. Only kinds with defaults appear here.
 */
final class Defaults {

    private Defaults() {
    }

    static void onCreate(ResourceType type, ObjectNode object) {
        switch (type.kind()) {
            case "Namespace" -> {
                ObjectNode meta = Json.child(object, "metadata");
                Json.child(meta, "labels").put("kubernetes.io/metadata.name", Json.text(meta, "name"));
                ObjectNode spec = Json.child(object, "spec");
                if (!spec.has("finalizers")) {
                    spec.putArray("finalizers").add("kubernetes");
                }
                object.putObject("status").put("phase", "Active");
            }
            case "Pod" -> {
                object.putObject("status").put("phase", "Pending").put("qosClass", qosClass(object.path("spec")));
                defaultTolerationSeconds(Json.child(object, "spec"));
            }
            case "Deployment", "ReplicaSet", "DaemonSet" -> object.putObject("status");
            case "Service" -> object.putObject("status").putObject("loadBalancer");
            default -> {
            }
        }
        onUpdate(type, object);
    }

    static void onUpdate(ResourceType type, ObjectNode object) {
        switch (type.kind()) {
            case "Pod" -> podSpec(Json.child(object, "spec"));
            case "Deployment" -> {
                ObjectNode spec = Json.child(object, "spec");
                putIfAbsent(spec, "replicas", 1);
                putIfAbsent(spec, "revisionHistoryLimit", 10);
                putIfAbsent(spec, "progressDeadlineSeconds", 600);
                ObjectNode strategy = Json.child(spec, "strategy");
                if (!strategy.has("type")) {
                    strategy.put("type", "RollingUpdate");
                }
                if (strategy.path("type").asText().equals("RollingUpdate")) {
                    ObjectNode rolling = Json.child(strategy, "rollingUpdate");
                    if (!rolling.has("maxUnavailable")) {
                        rolling.put("maxUnavailable", "25%");
                    }
                    if (!rolling.has("maxSurge")) {
                        rolling.put("maxSurge", "25%");
                    }
                }
                podSpec(Json.child(Json.child(spec, "template"), "spec"));
            }
            case "ReplicaSet" -> {
                ObjectNode spec = Json.child(object, "spec");
                putIfAbsent(spec, "replicas", 1);
                podSpec(Json.child(Json.child(spec, "template"), "spec"));
            }
            case "DaemonSet" -> {
                ObjectNode spec = Json.child(object, "spec");
                putIfAbsent(spec, "revisionHistoryLimit", 10);
                ObjectNode strategy = Json.child(spec, "updateStrategy");
                if (!strategy.has("type")) {
                    strategy.put("type", "RollingUpdate");
                    strategy.putObject("rollingUpdate").put("maxUnavailable", 1).put("maxSurge", 0);
                }
                podSpec(Json.child(Json.child(spec, "template"), "spec"));
            }
            case "Service" -> service(Json.child(object, "spec"));
            case "Secret" -> {
                if (!object.has("type")) {
                    object.put("type", "Opaque");
                }
            }
            case "PriorityClass" -> putIfAbsent(object, "preemptionPolicy", "PreemptLowerPriority");
            default -> {
            }
        }
    }

    /**
     * The DefaultTolerationSeconds admission plugin: a pod stays on a node that is not ready or
     * unreachable for 5 minutes before it is evicted, unless it says otherwise.
     */
    private static void defaultTolerationSeconds(ObjectNode spec) {
        for (String key : new String[] {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
            boolean tolerated = false;
            for (JsonNode t : spec.path("tolerations")) {
                String effect = t.path("effect").asText("");
                tolerated |= (effect.isEmpty() || effect.equals("NoExecute"))
                        && (t.path("key").asText("").equals(key) || t.path("key").asText("").isEmpty()
                        && t.path("operator").asText("").equals("Exists"));
            }
            if (!tolerated) {
                ArrayNode tolerations = spec.has("tolerations") && spec.get("tolerations").isArray()
                        ? (ArrayNode) spec.get("tolerations") : spec.putArray("tolerations");
                tolerations.addObject().put("key", key).put("operator", "Exists").put("effect", "NoExecute")
                        .put("tolerationSeconds", 300);
            }
        }
    }

    /**
     * SetDefaults_PodSpec and SetDefaults_Container. A pod's priority and preemptionPolicy are
     * not defaults: {@link PriorityAdmission} sets them from the pod's PriorityClass, on pods
     * only (a template's pods get theirs when they are created).
     */
    private static void podSpec(ObjectNode spec) {
        putIfAbsent(spec, "restartPolicy", "Always");
        putIfAbsent(spec, "terminationGracePeriodSeconds", 30);
        putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
        if (!spec.has("securityContext")) {
            spec.putObject("securityContext");
        }
        putIfAbsent(spec, "schedulerName", "default-scheduler");
        putIfAbsent(spec, "enableServiceLinks", true);
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                if (c instanceof ObjectNode container) {
                    container(container);
                }
            }
        }
    }

    private static void container(ObjectNode c) {
        if (!c.has("imagePullPolicy")) {
            String image = c.path("image").asText();
            String tag = tagOf(image);
            c.put("imagePullPolicy", tag.isEmpty() || tag.equals("latest") ? "Always" : "IfNotPresent");
        }
        putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
        putIfAbsent(c, "terminationMessagePolicy", "File");
        if (!c.has("resources")) {
            c.putObject("resources");
        }
        for (JsonNode port : c.path("ports")) {
            if (port instanceof ObjectNode p) {
                putIfAbsent(p, "protocol", "TCP");
            }
        }
    }

    /** The tag of an image reference: after the last ':' that follows the last '/', before any digest. */
    static String tagOf(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int slash = withoutDigest.lastIndexOf('/');
        int colon = withoutDigest.lastIndexOf(':');
        if (image.contains("@") && colon <= slash) {
            return "digest";
        }
        return colon > slash ? withoutDigest.substring(colon + 1) : "";
    }

    /**
     * SetDefaults_Service, plus the IP families kube-apiserver's allocator fills in. A headless
     * Service without a selector may have addresses of both families, so it defaults to
     * RequireDualStack; in our IPv4-only cluster its families are still just IPv4. The cluster
     * IP and node ports are the {@link ServiceAllocator}'s.
     */
    private static void service(ObjectNode spec) {
        putIfAbsent(spec, "type", "ClusterIP");
        String type = spec.path("type").asText();
        putIfAbsent(spec, "sessionAffinity", "None");
        if (!type.equals("ExternalName")) {
            putIfAbsent(spec, "internalTrafficPolicy", "Cluster");
            if (!spec.has("ipFamilies")) {
                spec.putArray("ipFamilies").add("IPv4");
            }
            boolean headless = spec.path("clusterIP").asText("").equals("None");
            putIfAbsent(spec, "ipFamilyPolicy", headless && spec.path("selector").isEmpty()
                    ? "RequireDualStack" : "SingleStack");
        }
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            putIfAbsent(spec, "externalTrafficPolicy", "Cluster");
        }
        if (type.equals("LoadBalancer")) {
            putIfAbsent(spec, "allocateLoadBalancerNodePorts", true);
        }
        for (JsonNode port : spec.path("ports")) {
            if (port instanceof ObjectNode p) {
                putIfAbsent(p, "protocol", "TCP");
                if (!p.has("targetPort") && p.has("port")) {
                    p.set("targetPort", p.get("port"));
                }
            }
        }
    }

    /** Kubernetes' QoS classes: Guaranteed, Burstable or BestEffort, from requests and limits. */
    static String qosClass(JsonNode spec) {
        boolean any = false;
        boolean guaranteed = true;
        for (JsonNode c : spec.path("containers")) {
            JsonNode requests = c.path("resources").path("requests");
            JsonNode limits = c.path("resources").path("limits");
            any |= requests.size() > 0 || limits.size() > 0;
            for (String resource : new String[] {"cpu", "memory"}) {
                JsonNode limit = limits.get(resource);
                JsonNode request = requests.get(resource);
                if (limit == null || (request != null && !request.asText().equals(limit.asText()))) {
                    guaranteed = false;
                }
            }
        }
        if (!any) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    private static void putIfAbsent(ObjectNode node, String field, Object value) {
        if (node.has(field)) {
            return;
        }
        if (value instanceof Integer i) {
            node.put(field, i);
        } else if (value instanceof Boolean b) {
            node.put(field, b);
        } else {
            node.put(field, value.toString());
        }
    }
}
