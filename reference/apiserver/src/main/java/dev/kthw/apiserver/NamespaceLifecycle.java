package dev.kthw.apiserver;

import dev.kthw.api.ApiException;
import dev.kthw.api.Status;
import dev.kthw.store.KeyValue;
import dev.kthw.store.Storage;

/**
 * Admission's NamespaceLifecycle: objects go only into namespaces that exist and are not
 * being deleted.
 *
 * <p>kube-apiserver answers this from an informer's cache of namespaces rather than from
 * etcd, so that a create costs one request to the store, not two. So do we: a
 * {@link PrefixCache} lists the namespaces and then watches them, keeping whether each is
 * being deleted. A namespace the cache does not know (created a moment ago, before its
 * event arrived) is looked up in the store, so a new namespace is never refused. The cache
 * can be a few milliseconds behind a deletion; kube-apiserver has the same window, and its
 * namespace controller removes what slipped in.
 */
final class NamespaceLifecycle implements AutoCloseable {

    /** Every namespace, and whether it is being deleted. */
    private final PrefixCache<Boolean> terminating;

    NamespaceLifecycle(Storage storage, String prefix) {
        this.terminating = new PrefixCache<>(storage, prefix, "namespace-lifecycle", NamespaceLifecycle::isTerminating);
    }

    /** Refuses a create in {@code namespace} as kube-apiserver does: 404 if it does not exist, 403 if terminating. */
    void admit(String namespace) {
        boolean isTerminating = terminating.lookup(namespace).orElseThrow(() -> ApiErrors.namespaceNotFound(namespace));
        if (isTerminating) {
            throw new ApiException(Status.failure(403, "Forbidden", "unable to create new content in namespace "
                    + namespace + " because it is being terminated", null));
        }
    }

    private static boolean isTerminating(KeyValue kv) {
        return Json.object(kv.value()).path("metadata").has("deletionTimestamp");
    }

    @Override
    public void close() {
        terminating.close();
    }
}
