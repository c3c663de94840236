package dev.kthw.apiserver;

import dev.kthw.api.ObjectMetaValidation;
import java.util.List;

/**
 * One kind the API server serves, with everything needed to route, store, validate and
 * describe it: its group/version/kind, its REST names, whether it lives in a namespace,
 * the rule for its names, and where it is kept in the store.
 *
 * @param storageName the resource's segment in the store's keys; Kubernetes keeps a few
 *                    historical names (nodes under {@code minions}, services under
 *                    {@code services/specs})
 * @param subresources such as {@code status}, {@code scale}, {@code binding}
 */
public record ResourceType(String group, String version, String kind, String plural, String singular,
                           boolean namespaced, List<String> shortNames, List<String> categories,
                           List<String> subresources, ObjectMetaValidation.NameRule nameRule, String storageName) {

    /** {@code v1} for the core group, {@code apps/v1} otherwise: the objects' apiVersion. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code /api/v1} or {@code /apis/apps/v1}: where the group/version's paths start. */
    public String groupVersionPath() {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }

    /** {@code pods} or {@code deployments.apps}: how Kubernetes names a resource in messages. */
    public String qualifiedResource() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    /** {@code Pod} or {@code Deployment.apps}: how Kubernetes names a kind in messages. */
    public String qualifiedKind() {
        return group.isEmpty() ? kind : kind + "." + group;
    }

    public boolean hasSubresource(String name) {
        return subresources.contains(name);
    }
}
