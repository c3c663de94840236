package dev.kthw.apiserver;

import java.util.Arrays;
import java.util.List;

/**
 * What a request path under /api or /apis addresses: a kind, maybe a namespace, maybe
 * one object by name, maybe a subresource of it. Kubernetes' REST layout:
 * <pre>
 *   /api/v1/nodes                                  cluster-scoped collection
 *   /api/v1/namespaces/default/pods                namespaced collection
 *   /api/v1/namespaces/default/pods/web            one object
 *   /api/v1/namespaces/default/pods/web/status     its status subresource
 *   /apis/apps/v1/namespaces/default/deployments   a named group
 *   /api/v1/pods                                   pods in every namespace
 * </pre>
 * {@code /api/v1/namespaces/default} is the Namespace object itself: a namespace segment
 * is only a scope when a namespaced resource follows it.
 */
record Target(ResourceType type, String namespace, String name, String subresource) {

    boolean isCollection() {
        return name == null;
    }

    /** Parses a path; a path naming nothing this server serves is a 404. */
    static Target parse(String path) {
        List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        int start = segments.get(0).equals("api") ? 2 : 3;
        if (segments.size() <= start) {
            throw ApiErrors.pathNotFound();
        }
        String group = start == 2 ? "" : segments.get(1);
        String version = segments.get(start - 1);
        List<String> rest = segments.subList(start, segments.size());
        String namespace = null;
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")
                && Resources.find(group, version, rest.get(2)).map(ResourceType::namespaced).orElse(false)) {
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        if (rest.size() > 3) {
            throw ApiErrors.pathNotFound();
        }
        ResourceType type = Resources.find(group, version, rest.get(0)).orElseThrow(ApiErrors::pathNotFound);
        String name = rest.size() > 1 ? rest.get(1) : null;
        String sub = rest.size() > 2 ? rest.get(2) : null;
        if (sub != null && !type.hasSubresource(sub)) {
            throw ApiErrors.pathNotFound();
        }
        if (type.namespaced() && namespace == null && name != null) {
            throw ApiErrors.pathNotFound();
        }
        return new Target(type, namespace, name, sub);
    }
}
