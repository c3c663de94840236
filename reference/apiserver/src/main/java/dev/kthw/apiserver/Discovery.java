package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Discovery: how a client learns what this server serves before it asks for anything.
 * kubectl reads it to turn {@code kubectl get deploy} into
 * {@code GET /apis/apps/v1/namespaces/default/deployments}. Two forms exist:
 * <ul>
 *   <li>legacy: {@code /api} and {@code /apis} list the group/versions, then one request per
 *       group/version ({@code /api/v1}, {@code /apis/apps/v1}) lists its resources. Every
 *       kubectl understands it;</li>
 *   <li>aggregated ({@code apidiscovery.k8s.io}): {@code /api} and {@code /apis} answer with
 *       every group, version and resource at once, an {@code APIGroupDiscoveryList}, when the
 *       client's Accept header asks for one. kubectl 1.27–1.29 ask for {@code v2beta1}, 1.30+
 *       for {@code v2} first. Two round trips instead of one per group/version.</li>
 * </ul>
 *
 * <p>Invariant: both forms are built from {@link Resources} by the same methods below, so they
 * never disagree. The Content-Type of an aggregated answer must name the version served
 * exactly ({@code application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList}):
 * client-go picks its decoder by it, and takes anything else for the legacy form.
 *
 * <p>Simpler than Kubernetes: no protobuf encoding, no ETag, and every group has one
 * version, so none is ever "Stale" (kube-apiserver marks the versions of an aggregated
 * API server it cannot reach that way).
 */
final class Discovery {

    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch");
    /** Kubernetes deletes namespaces one at a time, through the namespace controller: no deletecollection. */
    private static final List<String> NAMESPACE_VERBS = List.of("create", "delete", "get", "list", "patch", "update",
            "watch");
    /** The aggregated discovery versions served, in the order this server prefers them. */
    static final List<String> AGGREGATED_VERSIONS = List.of("v2", "v2beta1");

    /** What a subresource answers with, and what may be done to it. */
    private record Subresource(String group, String version, String kind, List<String> verbs) {
    }

    private Discovery() {
    }

    /** {@code GET /api}: the versions of the core group. */
    static ObjectNode coreVersions(String serverAddress) {
        ObjectNode versions = Json.MAPPER.createObjectNode().put("kind", "APIVersions");
        versions.putArray("versions").add("v1");
        versions.putArray("serverAddressByClientCIDRs").addObject()
                .put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
        return versions;
    }

    /** {@code GET /apis}: every named group with its versions. */
    static ObjectNode groups() {
        ObjectNode list = Json.MAPPER.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = list.putArray("groups");
        for (String groupVersion : Resources.byGroupVersion().keySet()) {
            if (groupVersion.contains("/")) {
                groups.add(apiGroup(groupVersion));
            }
        }
        return list;
    }

    /** {@code GET /apis/apps}: one named group with its versions; null if this server does not serve it. */
    static ObjectNode group(String name) {
        for (String groupVersion : Resources.byGroupVersion().keySet()) {
            if (groupVersion.startsWith(name + "/")) {
                ObjectNode group = Json.MAPPER.createObjectNode().put("kind", "APIGroup").put("apiVersion", "v1");
                return group.setAll(apiGroup(groupVersion));
            }
        }
        return null;
    }

    private static ObjectNode apiGroup(String groupVersion) {
        String group = groupVersion.substring(0, groupVersion.indexOf('/'));
        String version = groupVersion.substring(groupVersion.indexOf('/') + 1);
        ObjectNode g = Json.MAPPER.createObjectNode().put("name", group);
        g.putArray("versions").addObject().put("groupVersion", groupVersion).put("version", version);
        g.putObject("preferredVersion").put("groupVersion", groupVersion).put("version", version);
        return g;
    }

    /** {@code GET /api/v1} or {@code /apis/apps/v1}: the resources, verbs and short names; null if unknown. */
    static ObjectNode resources(String groupVersion) {
        List<ResourceType> types = Resources.byGroupVersion().get(groupVersion);
        if (types == null) {
            return null;
        }
        ObjectNode list = Json.MAPPER.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                .put("groupVersion", groupVersion);
        ArrayNode resources = list.putArray("resources");
        for (ResourceType t : types) {
            ObjectNode r = resources.addObject().put("name", t.plural()).put("singularName", t.singular())
                    .put("namespaced", t.namespaced()).put("kind", t.kind());
            verbs(r, verbsOf(t));
            if (!t.shortNames().isEmpty()) {
                t.shortNames().forEach(r.putArray("shortNames")::add);
            }
            if (!t.categories().isEmpty()) {
                t.categories().forEach(r.putArray("categories")::add);
            }
            for (String sub : t.subresources()) {
                subresource(resources, t, sub);
            }
        }
        return list;
    }

    private static void subresource(ArrayNode resources, ResourceType t, String sub) {
        Subresource info = subresourceOf(t, sub);
        ObjectNode r = resources.addObject().put("name", t.plural() + "/" + sub).put("singularName", "")
                .put("namespaced", t.namespaced());
        if (!info.group().equals(t.group()) || !info.version().equals(t.version())) {
            r.put("group", info.group()).put("version", info.version());
        }
        r.put("kind", info.kind());
        verbs(r, info.verbs());
    }

    private static List<String> verbsOf(ResourceType t) {
        return t.kind().equals("Namespace") ? NAMESPACE_VERBS : VERBS;
    }

    /** A Scale is autoscaling/v1 whatever it scales; a Binding is core/v1; the others are their parent's kind. */
    private static Subresource subresourceOf(ResourceType t, String sub) {
        return switch (sub) {
            case "status" -> new Subresource(t.group(), t.version(), t.kind(), List.of("get", "patch", "update"));
            case "scale" -> new Subresource("autoscaling", "v1", "Scale", List.of("get", "patch", "update"));
            case "binding" -> new Subresource("", "v1", "Binding", List.of("create"));
            case "finalize" -> new Subresource(t.group(), t.version(), t.kind(), List.of("update"));
            default -> new Subresource(t.group(), t.version(), t.kind(), List.of("get"));
        };
    }

    // --- aggregated discovery ---

    /**
     * The aggregated discovery version an Accept header asks for first, or null when it
     * prefers (or only takes) the legacy documents. Media ranges are tried in order;
     * kubectl lists its preferences that way rather than with q-values.
     */
    static String negotiate(String accept) {
        if (accept == null) {
            return null;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String mediaType = parts[0].trim();
            Map<String, String> params = new java.util.HashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                params.put(kv[0].trim(), kv.length > 1 ? kv[1].trim() : "");
            }
            if (mediaType.equals("application/json") && "apidiscovery.k8s.io".equals(params.get("g"))
                    && "APIGroupDiscoveryList".equals(params.get("as"))
                    && AGGREGATED_VERSIONS.contains(params.get("v"))) {
                return params.get("v");
            }
            boolean plain = params.keySet().stream().allMatch(p -> p.equals("q") || p.equals("charset"));
            if (plain && List.of("application/json", "application/*", "*/*").contains(mediaType)) {
                return null;
            }
        }
        return null;
    }

    /** The Content-Type of an aggregated answer, which must echo what the client asked for. */
    static String aggregatedContentType(String version) {
        return "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList";
    }

    /**
     * {@code GET /api} ({@code core}: only the core group) or {@code GET /apis} (every named
     * group) as an {@code APIGroupDiscoveryList}: groups, their versions, their resources.
     */
    static ObjectNode aggregated(boolean core, String version) {
        ObjectNode list = Json.MAPPER.createObjectNode().put("kind", "APIGroupDiscoveryList")
                .put("apiVersion", "apidiscovery.k8s.io/" + version);
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        Map<String, ObjectNode> groups = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, List<ResourceType>> gv : Resources.byGroupVersion().entrySet()) {
            ResourceType first = gv.getValue().get(0);
            if (first.group().isEmpty() != core) {
                continue;
            }
            ObjectNode group = groups.computeIfAbsent(first.group(), name -> {
                ObjectNode g = items.addObject();
                ObjectNode meta = g.putObject("metadata");
                if (!name.isEmpty()) {      // the core group has no name
                    meta.put("name", name);
                }
                meta.putNull("creationTimestamp");
                g.putArray("versions");
                return g;
            });
            ObjectNode v = ((ArrayNode) group.get("versions")).addObject().put("version", first.version());
            ArrayNode resources = v.putArray("resources");
            for (ResourceType t : gv.getValue()) {
                resources.add(aggregatedResource(t));
            }
            v.put("freshness", "Current");
        }
        return list;
    }

    private static ObjectNode aggregatedResource(ResourceType t) {
        ObjectNode r = Json.MAPPER.createObjectNode().put("resource", t.plural());
        r.putObject("responseKind").put("group", t.group()).put("version", t.version()).put("kind", t.kind());
        r.put("scope", t.namespaced() ? "Namespaced" : "Cluster").put("singularResource", t.singular());
        verbs(r, verbsOf(t));
        if (!t.shortNames().isEmpty()) {
            t.shortNames().forEach(r.putArray("shortNames")::add);
        }
        if (!t.categories().isEmpty()) {
            t.categories().forEach(r.putArray("categories")::add);
        }
        if (!t.subresources().isEmpty()) {
            ArrayNode subs = r.putArray("subresources");
            for (String sub : t.subresources()) {
                Subresource info = subresourceOf(t, sub);
                ObjectNode s = subs.addObject().put("subresource", sub);
                s.putObject("responseKind").put("group", info.group()).put("version", info.version())
                        .put("kind", info.kind());
                verbs(s, info.verbs());
            }
        }
        return r;
    }

    private static void verbs(ObjectNode r, List<String> verbs) {
        ArrayNode array = r.putArray("verbs");
        verbs.forEach(array::add);
    }

    /** {@code GET /version}: the Kubernetes version whose API this server follows. */
    static ObjectNode version() {
        return Json.MAPPER.createObjectNode()
                .put("major", "1").put("minor", "30")
                .put("gitVersion", "v1.30.0-kthw").put("gitCommit", "kthw").put("gitTreeState", "clean")
                .put("buildDate", "2026-01-01T00:00:00Z").put("goVersion", "java" + Runtime.version().feature())
                .put("compiler", "javac").put("platform", "linux/amd64");
    }
}
