package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.api.FieldError;
import dev.kthw.api.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Service ClusterIPs and NodePorts, handed out as kube-apiserver's ipallocator and
 * portallocator do: every Service of type ClusterIP, NodePort or LoadBalancer gets a free
 * virtual IP from {@code --service-cluster-ip-range} (unless it is headless,
 * {@code clusterIP: None}), and every port of a NodePort or LoadBalancer Service a free port
 * from {@code --service-node-port-range}. A requested IP or port is honoured if it is in the
 * range and free; a 422 otherwise, worded as Kubernetes words it.
 *
 * <p>Invariant: no two stored Services share a cluster IP or a node port. What is taken is
 * read from the stored Services, under this object's lock, at each allocation; what is
 * free again after a delete needs no bookkeeping, and a restarted API server over the same
 * store knows everything at once. The only state in memory is what a create or update has
 * reserved and not stored yet ({@link Reservation}); callers must close the reservation once
 * the Service is stored or refused, and must store only while holding one.
 *
 * <p>Dynamic picks are random, first from the upper part of the range: the lower part
 * (16 to 256 IPs, 16 to 128 ports) is left for those who ask for a fixed value, such as
 * kubeadm's DNS Service at 10.96.0.10 (KEP-3070 and KEP-3668).
 *
 * <p>Simpler than Kubernetes: one API server, so a lock replaces the allocation bitmaps
 * kube-apiserver keeps in etcd (or the IPAddress objects of 1.31+); IPv4 only, so
 * {@code ipFamilies} is always {@code [IPv4]}; no health-check node port for
 * {@code externalTrafficPolicy: Local}; and no {@code kubernetes} Service holding the
 * range's first IP.
 */
final class ServiceAllocator {

    /** kubeadm's default; kube-apiserver itself insists on being told. */
    static final String DEFAULT_CLUSTER_IP_RANGE = "10.96.0.0/12";
    static final String DEFAULT_NODE_PORT_RANGE = "30000-32767";

    private final Ipv4Range ips;
    private final int firstPort;
    private final int lastPort;
    private final Supplier<List<ObjectNode>> storedServices;
    private final Random random = new Random();
    /** Guarded by this: taken by a create or update whose Service is not stored yet. */
    private final Set<Long> reservedIPs = new HashSet<>();
    /** Guarded by this, as reservedIPs. */
    private final Set<Integer> reservedPorts = new HashSet<>();

    /** What one create or update has taken; release it once its Service is stored or refused. */
    static final class Reservation {
        /** For objects that are not Services: nothing taken, nothing to release. */
        static final Reservation NONE = new Reservation(null);

        private final ServiceAllocator allocator;
        private final List<Long> ipsTaken = new ArrayList<>();
        private final List<Integer> portsTaken = new ArrayList<>();

        private Reservation(ServiceAllocator allocator) {
            this.allocator = allocator;
        }

        void release() {
            if (allocator != null) {
                synchronized (allocator) {
                    ipsTaken.forEach(allocator.reservedIPs::remove);
                    portsTaken.forEach(allocator.reservedPorts::remove);
                }
            }
        }
    }

    /**
     * @param clusterIPRange  a CIDR such as {@code 10.96.0.0/12}
     * @param nodePortRange   {@code first-last}, such as {@code 30000-32767}
     * @param storedServices  every Service in the store, in every namespace
     */
    ServiceAllocator(String clusterIPRange, String nodePortRange, Supplier<List<ObjectNode>> storedServices) {
        this.ips = Ipv4Range.parse(clusterIPRange);
        String[] bounds = nodePortRange.split("-");
        try {
            this.firstPort = Integer.parseInt(bounds[0].trim());
            this.lastPort = bounds.length == 2 ? Integer.parseInt(bounds[1].trim()) : -1;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid node port range " + nodePortRange + ": want FIRST-LAST");
        }
        if (firstPort < 1 || lastPort > 65535 || lastPort < firstPort) {
            throw new IllegalArgumentException("invalid node port range " + nodePortRange + ": want FIRST-LAST");
        }
        this.storedServices = Objects.requireNonNull(storedServices, "storedServices");
    }

    /** Fills in the cluster IP and node ports of a Service about to be created (BeginCreate). */
    synchronized Reservation allocateCreate(ObjectNode service) {
        Reservation reservation = new Reservation(this);
        ObjectNode spec = Json.child(service, "spec");
        normalizeClusterIPs(spec, null);
        Taken taken = taken(service);
        try {
            if (needsClusterIP(spec)) {
                allocateClusterIP(service, spec, taken, reservation);
            }
            if (needsNodePorts(spec)) {
                allocateNodePorts(service, spec, null, taken, reservation);
            }
        } catch (RuntimeException e) {
            reservation.release();
            throw e;
        }
        return reservation;
    }

    /**
     * Carries the allocated values over to an updated Service where the client left them
     * out (a replace without clusterIP keeps it), refuses to change a cluster IP, and
     * allocates node ports for ports that are new or a type that now needs them.
     */
    synchronized Reservation allocateUpdate(ObjectNode current, ObjectNode updated) {
        Reservation reservation = new Reservation(this);
        JsonNode oldSpec = current.path("spec");
        ObjectNode spec = Json.child(updated, "spec");
        dropTypeDependentFields(spec, oldSpec);
        if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
            if (Json.text(spec, "clusterIP").isEmpty()) {
                spec.set("clusterIP", oldSpec.get("clusterIP"));
            }
            if (spec.path("clusterIPs").isEmpty() && oldSpec.has("clusterIPs")) {
                spec.set("clusterIPs", oldSpec.get("clusterIPs"));
            }
        }
        normalizeClusterIPs(spec, oldSpec);
        if (needsClusterIP(oldSpec) && !oldSpec.path("clusterIPs").equals(spec.path("clusterIPs"))) {
            throw invalid(updated, FieldError.invalid("spec.clusterIPs[0]", goStrings(spec.path("clusterIPs")),
                    spec.path("clusterIPs").isEmpty() ? "primary clusterIP can not be unset" : "may not change once set"));
        }
        Taken taken = taken(updated);
        try {
            if (needsClusterIP(spec) && !needsClusterIP(oldSpec)) {
                allocateClusterIP(updated, spec, taken, reservation);     // e.g. from ExternalName to ClusterIP
            }
            if (needsNodePorts(spec)) {
                allocateNodePorts(updated, spec, needsNodePorts(oldSpec) ? oldSpec : null, taken, reservation);
            }
        } catch (RuntimeException e) {
            reservation.release();
            throw e;
        }
        return reservation;
    }

    /**
     * A Service changed to a type without node ports (or without a cluster IP) loses the
     * allocated values the client left as they were, rather than failing validation for them.
     */
    private static void dropTypeDependentFields(ObjectNode spec, JsonNode oldSpec) {
        if (needsNodePorts(oldSpec) && !needsNodePorts(spec)) {
            Set<Integer> old = new HashSet<>();
            oldSpec.path("ports").forEach(p -> old.add(p.path("nodePort").asInt(0)));
            for (JsonNode port : spec.path("ports")) {
                if (old.contains(port.path("nodePort").asInt(0))) {
                    ((ObjectNode) port).remove("nodePort");
                }
            }
        }
        if (spec.path("type").asText("").equals("ExternalName") && needsClusterIP(oldSpec)
                && spec.path("clusterIP").equals(oldSpec.path("clusterIP"))) {
            spec.remove(List.of("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"));
        }
    }

    // --- cluster IPs ---

    private void allocateClusterIP(ObjectNode service, ObjectNode spec, Taken taken, Reservation reservation) {
        String requested = Json.text(spec, "clusterIP");
        long ip;
        if (requested.isEmpty()) {
            ip = pick(ips.size(), staticBand(ips.size(), 256, 16), offset -> taken.ips.contains(ips.at(offset)))
                    .map(ips::at).orElseThrow(() -> internalError("failed to allocate a serviceIP: range is full"));
        } else {
            Long parsed = Ipv4Range.parseIP(requested);
            if (parsed == null) {     // ValidateServiceClusterIPsRelatedFields, before any allocation
                throw invalid(service, FieldError.invalid("spec.clusterIPs[0]", requested,
                        "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
            }
            String problem = !ips.contains(parsed) ? "the provided IP (" + requested + ") is not in the valid range. "
                    + "The range of valid IPs is " + ips
                    : taken.ips.contains(parsed) ? "provided IP is already allocated" : null;
            if (problem != null) {
                throw invalid(service, FieldError.invalid("spec.clusterIPs", goStrings(spec.path("clusterIPs")),
                        "failed to allocate IP " + requested + ": " + problem));
            }
            ip = parsed;
        }
        reservedIPs.add(ip);
        reservation.ipsTaken.add(ip);
        spec.put("clusterIP", Ipv4Range.format(ip));
        spec.putArray("clusterIPs").add(Ipv4Range.format(ip));
    }

    /**
     * NormalizeClusterIPs: clusterIP and clusterIPs[0] say the same thing; whichever one the
     * client set (or changed, on update) fills in the other.
     */
    private static void normalizeClusterIPs(ObjectNode spec, JsonNode oldSpec) {
        String clusterIP = Json.text(spec, "clusterIP");
        JsonNode clusterIPs = spec.path("clusterIPs");
        boolean clusterIPChanged = oldSpec != null && !clusterIP.equals(oldSpec.path("clusterIP").asText(""));
        boolean listUnchanged = oldSpec != null && clusterIPs.equals(oldSpec.path("clusterIPs"));
        if (!clusterIP.isEmpty() && (clusterIPs.isEmpty() || (clusterIPChanged && listUnchanged))) {
            spec.putArray("clusterIPs").add(clusterIP);
        } else if (clusterIP.isEmpty() && !clusterIPs.isEmpty()) {
            spec.put("clusterIP", clusterIPs.get(0).asText());
        }
    }

    // --- node ports ---

    /**
     * A node port for every port of the Service: the one asked for, the one the port had
     * before this update (matched by port name, as Kubernetes does), or a free one. Ports of
     * the same number (TCP and UDP 53, say) share one node port.
     */
    private void allocateNodePorts(ObjectNode service, ObjectNode spec, JsonNode oldSpec, Taken taken,
                                   Reservation reservation) {
        Map<String, Integer> oldByName = new HashMap<>();
        if (oldSpec != null) {
            oldSpec.path("ports").forEach(p -> oldByName.put(p.path("name").asText(""), p.path("nodePort").asInt(0)));
        }
        Map<Integer, Integer> byServicePort = new HashMap<>();
        Set<Integer> mine = new HashSet<>();
        ArrayNode ports = (ArrayNode) spec.path("ports");
        for (int i = 0; i < ports.size(); i++) {
            ObjectNode port = (ObjectNode) ports.get(i);
            int nodePort = port.path("nodePort").asInt(0);
            if (nodePort == 0) {
                nodePort = oldByName.getOrDefault(port.path("name").asText(""), 0);
            }
            if (nodePort == 0) {
                nodePort = byServicePort.getOrDefault(port.path("port").asInt(), 0);
            }
            if (nodePort != 0 && !mine.contains(nodePort)) {
                String problem = nodePort < firstPort || nodePort > lastPort
                        ? "provided port is not in the valid range. The range of valid ports is " + firstPort + "-" + lastPort
                        : taken.ports.contains(nodePort) ? "provided port is already allocated" : null;
                if (problem != null) {
                    throw invalid(service, FieldError.invalid("spec.ports[" + i + "].nodePort", nodePort, problem));
                }
            }
            if (nodePort == 0) {
                int size = lastPort - firstPort + 1;
                nodePort = pick(size, staticBand(size, 128, 32), o -> taken.ports.contains(firstPort + (int) o)
                        || mine.contains(firstPort + (int) o))
                        .map(o -> firstPort + (int) (long) o)
                        .orElseThrow(() -> internalError("failed to allocate a nodePort: range is full"));
            }
            if (mine.add(nodePort)) {
                reservedPorts.add(nodePort);
                reservation.portsTaken.add(nodePort);
            }
            byServicePort.put(port.path("port").asInt(), nodePort);
            port.put("nodePort", nodePort);
        }
    }

    // --- what is taken, and picking a free value ---

    /** The IPs and ports of every other stored Service, and of every reservation in flight. */
    private record Taken(Set<Long> ips, Set<Integer> ports) {
    }

    private Taken taken(ObjectNode service) {
        String self = Json.text(service, "metadata.namespace") + "/" + Json.text(service, "metadata.name");
        Set<Long> takenIPs = new HashSet<>(reservedIPs);
        Set<Integer> takenPorts = new HashSet<>(reservedPorts);
        for (ObjectNode other : storedServices.get()) {
            if (self.equals(Json.text(other, "metadata.namespace") + "/" + Json.text(other, "metadata.name"))) {
                continue;
            }
            for (JsonNode ip : other.path("spec").path("clusterIPs")) {
                Long parsed = Ipv4Range.parseIP(ip.asText());
                if (parsed != null) {
                    takenIPs.add(parsed);
                }
            }
            other.path("spec").path("ports").forEach(p -> takenPorts.add(p.path("nodePort").asInt(0)));
        }
        return new Taken(takenIPs, takenPorts);
    }

    /**
     * A free offset in {@code [0, size)}: from a random start in the upper band
     * {@code [staticBand, size)}, then in the lower band; empty if all are taken.
     */
    private java.util.Optional<Long> pick(long size, long staticBand, LongPredicate taken) {
        long upper = size - staticBand;
        long start = upper > 0 ? Math.floorMod(random.nextLong(), upper) : 0;
        for (long i = 0; i < upper; i++) {
            long offset = staticBand + (start + i) % upper;
            if (!taken.test(offset)) {
                return java.util.Optional.of(offset);
            }
        }
        for (long i = 0; i < staticBand; i++) {
            if (!taken.test(i)) {
                return java.util.Optional.of(i);
            }
        }
        return java.util.Optional.empty();
    }

    /** How much of the low end is kept for static picks: size/step, at least 16, at most max. */
    static long staticBand(long size, long max, long step) {
        return size < 16 ? 0 : Math.min(max, Math.max(16, size / step));
    }

    private static boolean needsClusterIP(JsonNode spec) {
        String type = spec.path("type").asText("ClusterIP");
        return !type.equals("ExternalName") && !spec.path("clusterIP").asText("").equals("None");
    }

    private static boolean needsNodePorts(JsonNode spec) {
        String type = spec.path("type").asText("ClusterIP");
        return type.equals("NodePort")
                || (type.equals("LoadBalancer") && spec.path("allocateLoadBalancerNodePorts").asBoolean(true));
    }

    private static ApiException invalid(ObjectNode service, FieldError error) {
        return new ApiException(Status.invalid("", "Service", Json.text(service, "metadata.name"), List.of(error)));
    }

    private static ApiException internalError(String message) {
        return new ApiException(Status.failure(500, "InternalError", "Internal error occurred: " + message, null));
    }

    static GoStrings goStrings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(s -> strings.add(s.asText()));
        return new GoStrings(strings);
    }

    /** A list of strings as Go's {@code %#v} prints one in messages: {@code []string{"10.96.0.10"}}. */
    record GoStrings(List<String> strings) {
        @Override
        public String toString() {
            List<String> quoted = new ArrayList<>();
            strings.forEach(s -> quoted.add(LabelSelector.goQuote(s)));
            return "[]string{" + String.join(", ", quoted) + "}";
        }
    }
}
