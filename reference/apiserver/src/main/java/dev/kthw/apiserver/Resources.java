package dev.kthw.apiserver;

import static dev.kthw.api.ObjectMetaValidation.DNS1035_LABEL;
import static dev.kthw.api.ObjectMetaValidation.DNS_LABEL;
import static dev.kthw.api.ObjectMetaValidation.DNS_SUBDOMAIN;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every kind this API server serves. Adding a kind is one line here (plus its defaults,
 * validation and table columns where it has them): routing, storage, discovery and
 * watch are generic.
 */
public final class Resources {

    private static final List<String> ALL = List.of("all");

    private static final List<ResourceType> TYPES = List.of(
            core("Namespace", "namespaces", false, List.of("ns"), List.of(), List.of("status", "finalize"),
                    DNS_LABEL, "namespaces"),
            core("Pod", "pods", true, List.of("po"), ALL, List.of("status", "binding", "log"), DNS_SUBDOMAIN, "pods"),
            core("Node", "nodes", false, List.of("no"), List.of(), List.of("status"), DNS_SUBDOMAIN, "minions"),
            core("Service", "services", true, List.of("svc"), ALL, List.of("status"), DNS1035_LABEL,
                    "services/specs"),
            core("Endpoints", "endpoints", true, List.of("ep"), List.of(), List.of(), DNS_SUBDOMAIN,
                    "services/endpoints"),
            core("ConfigMap", "configmaps", true, List.of("cm"), List.of(), List.of(), DNS_SUBDOMAIN, "configmaps"),
            core("Secret", "secrets", true, List.of(), List.of(), List.of(), DNS_SUBDOMAIN, "secrets"),
            core("Event", "events", true, List.of("ev"), List.of(), List.of(), DNS_SUBDOMAIN, "events"),
            core("ServiceAccount", "serviceaccounts", true, List.of("sa"), List.of(), List.of(), DNS_SUBDOMAIN,
                    "serviceaccounts"),
            core("PersistentVolume", "persistentvolumes", false, List.of("pv"), List.of(), List.of("status"),
                    DNS_SUBDOMAIN, "persistentvolumes"),
            core("PersistentVolumeClaim", "persistentvolumeclaims", true, List.of("pvc"), List.of(), List.of("status"),
                    DNS_SUBDOMAIN, "persistentvolumeclaims"),
            type("apps", "Deployment", "deployments", true, List.of("deploy"), ALL, List.of("status", "scale"),
                    "deployments"),
            type("apps", "ReplicaSet", "replicasets", true, List.of("rs"), ALL, List.of("status", "scale"),
                    "replicasets"),
            type("apps", "DaemonSet", "daemonsets", true, List.of("ds"), ALL, List.of("status"), "daemonsets"),
            type("coordination.k8s.io", "Lease", "leases", true, List.of(), List.of(), List.of(), "leases"),
            type("discovery.k8s.io", "EndpointSlice", "endpointslices", true, List.of(), List.of(), List.of(),
                    "endpointslices"),
            type("scheduling.k8s.io", "PriorityClass", "priorityclasses", false, List.of("pc"), List.of(), List.of(),
                    "priorityclasses"));

    private Resources() {
    }

    public static List<ResourceType> all() {
        return TYPES;
    }

    /** The type at {@code group}/{@code version} with this plural name. */
    public static Optional<ResourceType> find(String group, String version, String plural) {
        return TYPES.stream()
                .filter(t -> t.group().equals(group) && t.version().equals(version) && t.plural().equals(plural))
                .findFirst();
    }

    /** The served group/versions, core first, each with its types, in the order above. */
    public static Map<String, List<ResourceType>> byGroupVersion() {
        Map<String, List<ResourceType>> groups = new LinkedHashMap<>();
        for (ResourceType t : TYPES) {
            groups.computeIfAbsent(t.apiVersion(), k -> new java.util.ArrayList<>()).add(t);
        }
        return groups;
    }

    private static ResourceType core(String kind, String plural, boolean namespaced, List<String> shortNames,
                                     List<String> categories, List<String> subresources,
                                     dev.kthw.api.ObjectMetaValidation.NameRule nameRule, String storageName) {
        return new ResourceType("", "v1", kind, plural, kind.toLowerCase(), namespaced, shortNames, categories,
                subresources, nameRule, storageName);
    }

    private static ResourceType type(String group, String kind, String plural, boolean namespaced,
                                     List<String> shortNames, List<String> categories, List<String> subresources,
                                     String storageName) {
        return new ResourceType(group, "v1", kind, plural, kind.toLowerCase(), namespaced, shortNames, categories,
                subresources, DNS_SUBDOMAIN, storageName);
    }
}
