package dev.kthw.apiserver;

import static dev.kthw.apiserver.Tables.formatLabels;
import static dev.kthw.apiserver.Tables.formatLabelSelector;
import static dev.kthw.apiserver.Tables.instant;
import static dev.kthw.apiserver.Tables.integer;
import static dev.kthw.apiserver.Tables.isSet;
import static dev.kthw.apiserver.Tables.labelSelector;
import static dev.kthw.apiserver.Tables.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What goes in each cell of the columns {@link Tables} declares, kind by kind: the rules of
 * {@code pkg/printers/internalversion/printers.go}, read from objects in their JSON form.
 *
 * <p>Kube-apiserver fills some fields with defaults on every write (a pod's phase
 * {@code Pending}, a Service's type {@code ClusterIP}, a Secret's type {@code Opaque}, replicas
 * 1, ...), so its printers never see them empty. Here a missing field reads as that default, so
 * a cell shows what a real cluster would even if nothing defaulted the object. Quantities, such
 * as a volume's capacity, are printed as stored; Kubernetes prints them in canonical form
 * ({@code 1024Mi} as {@code 1Gi}).
 */
final class Cells {

    private static final String ROLE_LABEL_PREFIX = "node-role.kubernetes.io/";
    private static final String[][] ACCESS_MODES = {
        {"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"}, {"ReadWriteMany", "RWX"}, {"ReadWriteOncePod", "RWOP"}};

    private Cells() {
    }

    /**
     * A pod's READY, STATUS and RESTARTS, kubectl's most-read cells. STATUS starts as the phase
     * (or status.reason, such as {@code Evicted}); then the first init container not yet done
     * explains it ({@code Init:1/2}, {@code Init:CrashLoopBackOff}); once initialized, the app
     * containers do ({@code ContainerCreating}, {@code CrashLoopBackOff}, {@code Completed},
     * {@code ExitCode:1}); a pod being deleted is {@code Terminating}. Sidecars (init containers
     * with restartPolicy Always) count as containers in READY and RESTARTS.
     */
    static List<Object> pod(ObjectNode pod, Instant now) {
        JsonNode spec = pod.path("spec");
        JsonNode status = pod.path("status");
        String phase = text(status.path("phase"), "Pending");
        PodSummary summary = new PodSummary();
        summary.reason = "SchedulingGated".equals(text(condition(status, "PodScheduled").path("reason")))
                ? "SchedulingGated" : text(status.path("reason"), phase);
        Set<String> sidecars = new HashSet<>();
        for (JsonNode container : spec.path("initContainers")) {
            if ("Always".equals(text(container.path("restartPolicy")))) {
                sidecars.add(text(container.path("name")));
            }
        }
        boolean initializing = initContainers(spec, status, sidecars, summary);
        if (!initializing || "True".equals(conditionStatus(status, "Initialized"))) {
            appContainers(status, summary);
        }
        if (isSet(pod.path("metadata").path("deletionTimestamp"))) {
            if ("NodeLost".equals(text(status.path("reason")))) {
                summary.reason = "Unknown"; // the node stopped answering: nobody knows if the pod still runs
            } else if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
                summary.reason = "Terminating";
            }
        }
        String restarts = summary.restarts != 0 && summary.lastRestart != null
                ? summary.restarts + " (" + since(summary.lastRestart, now) + " ago)" : Long.toString(summary.restarts);
        String ip = text(status.path("podIP"), text(status.path("podIPs").path(0).path("ip"), "<none>"));
        int total = spec.path("containers").size() + sidecars.size();
        return List.of(name(pod), summary.ready + "/" + total, summary.reason, restarts, age(pod, now),
                ip, text(spec.path("nodeName"), "<none>"), text(status.path("nominatedNodeName"), "<none>"),
                readinessGates(spec, status));
    }

    /** What a pod's container statuses add up to, as kube-apiserver's printPod counts them. */
    private static final class PodSummary {
        String reason;
        int ready;
        long restarts;
        Instant lastRestart;
        long sidecarRestarts;
        Instant lastSidecarRestart;

        void restarted(JsonNode containerStatus, boolean sidecar) {
            long count = integer(containerStatus.path("restartCount"));
            Instant finished = instant(containerStatus.path("lastState").path("terminated").path("finishedAt"));
            restarts += count;
            lastRestart = later(lastRestart, finished);
            if (sidecar) {
                sidecarRestarts += count;
                lastSidecarRestart = later(lastSidecarRestart, finished);
            }
        }
    }

    /** Walks the init containers in order; true when one of them still holds the pod up. */
    private static boolean initContainers(JsonNode spec, JsonNode status, Set<String> sidecars, PodSummary summary) {
        JsonNode statuses = status.path("initContainerStatuses");
        for (int i = 0; i < statuses.size(); i++) {
            JsonNode container = statuses.get(i);
            boolean sidecar = sidecars.contains(text(container.path("name")));
            summary.restarted(container, sidecar);
            JsonNode terminated = container.path("state").path("terminated");
            String waiting = text(container.path("state").path("waiting").path("reason"));
            if (terminated.isObject() && integer(terminated.path("exitCode")) == 0) {
                continue; // done
            } else if (sidecar && container.path("started").asBoolean(false)) {
                summary.ready += container.path("ready").asBoolean(false) ? 1 : 0;
                continue; // a started sidecar runs on beside the app containers
            } else if (terminated.isObject()) {
                summary.reason = "Init:" + terminationReason(terminated);
            } else if (!waiting.isEmpty() && !"PodInitializing".equals(waiting)) {
                summary.reason = "Init:" + waiting;
            } else {
                summary.reason = "Init:" + i + "/" + spec.path("initContainers").size();
            }
            return true;
        }
        return false;
    }

    /** Counts app containers from the last to the first, so the first one that is not running names STATUS. */
    private static void appContainers(JsonNode status, PodSummary summary) {
        summary.restarts = summary.sidecarRestarts; // failed init attempts no longer count
        summary.lastRestart = summary.lastSidecarRestart;
        boolean hasRunning = false;
        JsonNode statuses = status.path("containerStatuses");
        for (int i = statuses.size() - 1; i >= 0; i--) {
            JsonNode container = statuses.get(i);
            summary.restarted(container, false);
            JsonNode state = container.path("state");
            String waiting = text(state.path("waiting").path("reason"));
            if (!waiting.isEmpty()) {
                summary.reason = waiting;
            } else if (state.path("terminated").isObject()) {
                summary.reason = terminationReason(state.path("terminated"));
            } else if (container.path("ready").asBoolean(false) && state.path("running").isObject()) {
                hasRunning = true;
                summary.ready++;
            }
        }
        if ("Completed".equals(summary.reason) && hasRunning) { // one container finished, others still serve
            summary.reason = "True".equals(conditionStatus(status, "Ready")) ? "Running" : "NotReady";
        }
    }

    private static String terminationReason(JsonNode terminated) {
        String reason = text(terminated.path("reason"));
        if (!reason.isEmpty()) {
            return reason;
        }
        long signal = integer(terminated.path("signal"));
        return signal != 0 ? "Signal:" + signal : "ExitCode:" + integer(terminated.path("exitCode"));
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || (b != null && b.isAfter(a)) ? b : a;
    }

    /** The status of the first condition of {@code type}, or "" without one. */
    private static String conditionStatus(JsonNode status, String type) {
        return text(condition(status, type).path("status"));
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode condition : status.path("conditions")) {
            if (type.equals(text(condition.path("type")))) {
                return condition;
            }
        }
        return MissingNode.getInstance();
    }

    /** Readiness gates whose condition is True, out of all of them: {@code 1/2}, or {@code <none>}. */
    private static String readinessGates(JsonNode spec, JsonNode status) {
        JsonNode gates = spec.path("readinessGates");
        if (gates.isEmpty()) {
            return "<none>";
        }
        int passed = 0;
        for (JsonNode gate : gates) {
            passed += "True".equals(conditionStatus(status, text(gate.path("conditionType")))) ? 1 : 0;
        }
        return passed + "/" + gates.size();
    }

    static List<Object> node(ObjectNode node, Instant now) {
        JsonNode status = node.path("status");
        String ready = conditionStatus(status, "Ready"); // none: the kubelet has never reported
        String state = ready.isEmpty() ? "Unknown" : "True".equals(ready) ? "Ready" : "NotReady";
        if (node.path("spec").path("unschedulable").asBoolean(false)) {
            state += ",SchedulingDisabled"; // cordoned
        }
        TreeSet<String> roles = new TreeSet<>();
        node.path("metadata").path("labels").fields().forEachRemaining(label -> {
            String key = label.getKey();
            if (key.startsWith(ROLE_LABEL_PREFIX) && key.length() > ROLE_LABEL_PREFIX.length()) {
                roles.add(key.substring(ROLE_LABEL_PREFIX.length()));
            } else if ("kubernetes.io/role".equals(key) && !text(label.getValue()).isEmpty()) {
                roles.add(text(label.getValue())); // the older way to name a role
            }
        });
        JsonNode info = status.path("nodeInfo");
        return List.of(name(node), state, roles.isEmpty() ? "<none>" : String.join(",", roles), age(node, now),
                text(info.path("kubeletVersion")), nodeAddress(status, "InternalIP"), nodeAddress(status, "ExternalIP"),
                text(info.path("osImage"), "<unknown>"), text(info.path("kernelVersion"), "<unknown>"),
                text(info.path("containerRuntimeVersion"), "<unknown>"));
    }

    private static String nodeAddress(JsonNode status, String type) {
        for (JsonNode address : status.path("addresses")) {
            if (type.equals(text(address.path("type")))) {
                return text(address.path("address"));
            }
        }
        return "<none>";
    }

    static List<Object> service(ObjectNode service, Instant now) {
        JsonNode spec = service.path("spec");
        String type = text(spec.path("type"), "ClusterIP");
        String clusterIP = text(spec.path("clusterIP"), text(spec.path("clusterIPs").path(0), "<none>"));
        List<String> ports = new ArrayList<>();
        for (JsonNode port : spec.path("ports")) {
            long nodePort = integer(port.path("nodePort"));
            ports.add(integer(port.path("port")) + (nodePort > 0 ? ":" + nodePort : "")
                    + "/" + text(port.path("protocol"), "TCP"));
        }
        return List.of(name(service), type, clusterIP, externalIP(service, type),
                ports.isEmpty() ? "<none>" : String.join(",", ports), age(service, now),
                formatLabels(spec.path("selector")));
    }

    /**
     * EXTERNAL-IP: the spec's external IPs; for a LoadBalancer first the addresses its load
     * balancer reported, and {@code <pending>} while there are none. printers.go cuts the list to
     * 16 characters when it does not print wide; kube-apiserver always prints wide, so never does.
     */
    private static String externalIP(JsonNode service, String type) {
        List<String> addresses = new ArrayList<>();
        if ("LoadBalancer".equals(type)) {
            TreeSet<String> balancer = new TreeSet<>();
            for (JsonNode ingress : service.path("status").path("loadBalancer").path("ingress")) {
                balancer.add(text(ingress.path("ip"), text(ingress.path("hostname"))));
            }
            balancer.remove("");
            addresses.addAll(balancer);
        }
        service.path("spec").path("externalIPs").forEach(ip -> addresses.add(text(ip)));
        return switch (type) {
            case "ClusterIP", "NodePort" -> addresses.isEmpty() ? "<none>" : String.join(",", addresses);
            case "LoadBalancer" -> addresses.isEmpty() ? "<pending>" : String.join(",", addresses);
            case "ExternalName" -> text(service.path("spec").path("externalName"));
            default -> "<unknown>";
        };
    }

    /**
     * ENDPOINTS: ready addresses joined with each port ({@code 10.0.0.1:80}), subset by subset,
     * at most three and then {@code + 2 more...}; {@code <none>} without subsets.
     */
    static List<Object> endpoints(ObjectNode endpoints, Instant now) {
        JsonNode subsets = endpoints.path("subsets");
        List<String> all = new ArrayList<>();
        for (JsonNode subset : subsets) {
            if (subset.path("ports").isEmpty()) { // a headless service may have no ports
                subset.path("addresses").forEach(address -> all.add(text(address.path("ip"))));
            }
            for (JsonNode port : subset.path("ports")) {
                for (JsonNode address : subset.path("addresses")) {
                    all.add(hostPort(text(address.path("ip")), integer(port.path("port"))));
                }
            }
        }
        String cell = subsets.isEmpty() ? "<none>" : firstThree(all, "");
        return List.of(name(endpoints), cell, age(endpoints, now));
    }

    private static String hostPort(String ip, long port) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port; // as Go's net.JoinHostPort
    }

    /** At most three items, then how many more; {@code whenEmpty} when there are none. */
    private static String firstThree(List<String> items, String whenEmpty) {
        if (items.isEmpty()) {
            return whenEmpty;
        }
        String shown = String.join(",", items.subList(0, Math.min(3, items.size())));
        return items.size() > 3 ? shown + " + " + (items.size() - 3) + " more..." : shown;
    }

    static List<Object> endpointSlice(ObjectNode slice, Instant now) {
        List<String> ports = new ArrayList<>();
        for (JsonNode port : slice.path("ports")) {
            JsonNode number = port.path("port");
            JsonNode name = port.path("name");
            ports.add(number.isNumber() ? number.asText() : name.isTextual() ? name.asText() : "*");
        }
        List<String> addresses = new ArrayList<>();
        for (JsonNode endpoint : slice.path("endpoints")) {
            endpoint.path("addresses").forEach(address -> addresses.add(text(address)));
        }
        return List.of(name(slice), text(slice.path("addressType")), firstThree(ports, "<unset>"),
                firstThree(addresses, "<unset>"), age(slice, now));
    }

    /**
     * An event, always as {@code -o wide} would want it. LAST SEEN falls back to FIRST SEEN, which
     * falls back to eventTime, as events written through events.k8s.io carry only that; a series
     * of events counts and dates itself.
     */
    static List<Object> event(ObjectNode event, Instant now) {
        Instant first = instant(event.path("firstTimestamp"));
        String firstSeen = since(first != null ? first : instant(event.path("eventTime")), now);
        Instant last = instant(event.path("lastTimestamp"));
        String lastSeen = last != null ? since(last, now) : firstSeen;
        long count = integer(event.path("count"));
        JsonNode series = event.path("series");
        if (series.isObject()) {
            lastSeen = since(instant(series.path("lastObservedTime")), now);
            count = integer(series.path("count"));
        } else if (count == 0) {
            count = 1; // a single occurrence, not counted by events.k8s.io
        }
        JsonNode involved = event.path("involvedObject");
        String kind = text(involved.path("kind")).toLowerCase(Locale.ROOT);
        String object = text(involved.path("name")).isEmpty() ? kind : kind + "/" + text(involved.path("name"));
        String component = text(event.path("source").path("component"), text(event.path("reportingComponent")));
        String host = text(event.path("source").path("host"), text(event.path("reportingInstance")));
        return List.of(lastSeen, text(event.path("type")), text(event.path("reason")), object,
                text(involved.path("fieldPath")), host.isEmpty() ? component : component + ", " + host,
                text(event.path("message")).strip(), firstSeen, count, name(event));
    }

    static List<Object> persistentVolume(ObjectNode volume, Instant now) {
        JsonNode spec = volume.path("spec");
        JsonNode claim = spec.path("claimRef");
        String claimCell = claim.isObject() ? text(claim.path("namespace")) + "/" + text(claim.path("name")) : "";
        return List.of(name(volume), text(spec.path("capacity").path("storage"), "0"),
                accessModes(spec.path("accessModes")), text(spec.path("persistentVolumeReclaimPolicy"), "Retain"),
                phase(volume), claimCell, storageClass(volume),
                text(spec.path("volumeAttributesClassName"), "<unset>"), text(volume.path("status").path("reason")),
                age(volume, now), text(spec.path("volumeMode"), "Filesystem"));
    }

    static List<Object> persistentVolumeClaim(ObjectNode claim, Instant now) {
        JsonNode spec = claim.path("spec");
        String volume = text(spec.path("volumeName"));
        JsonNode status = claim.path("status");
        // Capacity and access modes are the bound volume's, so blank until the claim is bound.
        String capacity = volume.isEmpty() ? "" : text(status.path("capacity").path("storage"), "0");
        String modes = volume.isEmpty() ? "" : accessModes(status.path("accessModes"));
        return List.of(name(claim), phase(claim), volume, capacity, modes, storageClass(claim),
                text(spec.path("volumeAttributesClassName"), "<unset>"), age(claim, now),
                text(spec.path("volumeMode"), "Filesystem"));
    }

    private static String phase(JsonNode volumeOrClaim) {
        return isSet(volumeOrClaim.path("metadata").path("deletionTimestamp")) ? "Terminating"
                : text(volumeOrClaim.path("status").path("phase"), "Pending");
    }

    /** The beta annotation, which still wins over spec.storageClassName. */
    private static String storageClass(JsonNode volumeOrClaim) {
        return text(volumeOrClaim.path("metadata").path("annotations").path("volume.beta.kubernetes.io/storage-class"),
                text(volumeOrClaim.path("spec").path("storageClassName")));
    }

    /** Access modes in their short forms, always in the order RWO, ROX, RWX, RWOP. */
    private static String accessModes(JsonNode modes) {
        Set<String> given = new HashSet<>();
        modes.forEach(mode -> given.add(text(mode)));
        return Stream.of(ACCESS_MODES).filter(mode -> given.contains(mode[0])).map(mode -> mode[1])
                .collect(Collectors.joining(","));
    }

    static List<Object> deployment(ObjectNode deployment, Instant now) {
        JsonNode status = deployment.path("status");
        // A Deployment prints its selector bare: empty when it selects everything, <invalid> when broken.
        String selector = labelSelector(deployment.path("spec").path("selector")).orElse("<invalid>");
        return List.of(name(deployment), integer(status.path("readyReplicas")) + "/" + replicas(deployment),
                integer(status.path("updatedReplicas")), integer(status.path("availableReplicas")),
                age(deployment, now), containers(deployment, "name"), containers(deployment, "image"), selector);
    }

    static List<Object> replicaSet(ObjectNode replicaSet, Instant now) {
        JsonNode status = replicaSet.path("status");
        return List.of(name(replicaSet), replicas(replicaSet), integer(status.path("replicas")),
                integer(status.path("readyReplicas")), age(replicaSet, now), containers(replicaSet, "name"),
                containers(replicaSet, "image"), formatLabelSelector(replicaSet.path("spec").path("selector")));
    }

    static List<Object> daemonSet(ObjectNode daemonSet, Instant now) {
        JsonNode status = daemonSet.path("status");
        return List.of(name(daemonSet), integer(status.path("desiredNumberScheduled")),
                integer(status.path("currentNumberScheduled")), integer(status.path("numberReady")),
                integer(status.path("updatedNumberScheduled")), integer(status.path("numberAvailable")),
                formatLabels(daemonSet.path("spec").path("template").path("spec").path("nodeSelector")),
                age(daemonSet, now), containers(daemonSet, "name"), containers(daemonSet, "image"),
                formatLabelSelector(daemonSet.path("spec").path("selector")));
    }

    /** spec.replicas, which kube-apiserver defaults to 1. */
    private static long replicas(JsonNode workload) {
        JsonNode replicas = workload.path("spec").path("replicas");
        return replicas.isNumber() ? replicas.asLong() : 1;
    }

    /** One field of each container in the pod template, joined by commas: names, or images. */
    private static String containers(JsonNode workload, String field) {
        List<String> values = new ArrayList<>();
        workload.path("spec").path("template").path("spec").path("containers")
                .forEach(container -> values.add(text(container.path(field))));
        return String.join(",", values);
    }

    /** DATA counts keys in data; kube-apiserver merges stringData into data on write, so count those too. */
    static List<Object> secret(ObjectNode secret, Instant now) {
        Set<String> keys = new HashSet<>();
        secret.path("data").fieldNames().forEachRemaining(keys::add);
        secret.path("stringData").fieldNames().forEachRemaining(keys::add);
        return List.of(name(secret), text(secret.path("type"), "Opaque"), (long) keys.size(), age(secret, now));
    }

    /** VALUE as a number and GLOBAL-DEFAULT as a boolean; a class without a policy has the default one. */
    static List<Object> priorityClass(ObjectNode priorityClass, Instant now) {
        return List.of(name(priorityClass), integer(priorityClass.path("value")),
                priorityClass.path("globalDefault").asBoolean(false), age(priorityClass, now),
                text(priorityClass.path("preemptionPolicy"), PriorityAdmission.PREEMPT_LOWER_PRIORITY));
    }

    static String name(JsonNode object) {
        return text(object.path("metadata").path("name"));
    }

    /** AGE: how long ago the object was created. */
    static String age(JsonNode object, Instant now) {
        return since(instant(object.path("metadata").path("creationTimestamp")), now);
    }

    /** How long ago {@code then} was, or {@code <unknown>} without a time. */
    private static String since(Instant then, Instant now) {
        return then == null ? "<unknown>" : Tables.humanDuration(Duration.between(then, now));
    }
}
