package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Discovery: how a client learns what this server serves before it asks for anything.
 * kubectl reads {@code /api} and {@code /apis}, then each group/version's resource list,
 * to turn {@code kubectl get deploy} into {@code GET /apis/apps/v1/namespaces/default/deployments}.
 *
 * <p>This serves the legacy (per group/version) documents, which every kubectl
 * version understands. Newer kubectl first asks for aggregated discovery (one document
 * for everything) and falls back to these when the answer is plain JSON.
 */
final class Discovery {

    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch");

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
            if (!groupVersion.contains("/")) {
                continue;
            }
            String group = groupVersion.substring(0, groupVersion.indexOf('/'));
            String version = groupVersion.substring(groupVersion.indexOf('/') + 1);
            ObjectNode g = groups.addObject().put("name", group);
            g.putArray("versions").addObject().put("groupVersion", groupVersion).put("version", version);
            g.putObject("preferredVersion").put("groupVersion", groupVersion).put("version", version);
        }
        return list;
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
            verbs(r, VERBS);
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
        ObjectNode r = resources.addObject().put("name", t.plural() + "/" + sub).put("singularName", "")
                .put("namespaced", t.namespaced());
        Map<String, List<String>> verbsBySub = Map.of(
                "status", List.of("get", "patch", "update"),
                "scale", List.of("get", "patch", "update"),
                "binding", List.of("create"),
                "log", List.of("get"),
                "finalize", List.of("update"));
        switch (sub) {
            case "scale" -> r.put("group", "autoscaling").put("version", "v1").put("kind", "Scale");
            case "binding" -> r.put("kind", "Binding");
            default -> r.put("kind", t.kind());
        }
        verbs(r, verbsBySub.getOrDefault(sub, List.of("get")));
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
