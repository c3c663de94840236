package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import dev.kthw.api.FieldError;
import dev.kthw.api.ObjectMeta;
import dev.kthw.api.ObjectMetaValidation;
import dev.kthw.api.Status;
import dev.kthw.store.KeyValue;
import dev.kthw.store.Storage;
import dev.kthw.store.StorageException;
import dev.kthw.store.Watch;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The generic registry: create, get, list, update, delete and watch for every kind, over
 * {@link Storage}. It owns what the server sets on every object (uid, creationTimestamp,
 * resourceVersion, generation, deletionTimestamp) and the rules every kind shares:
 * names, namespaces, optimistic concurrency, finalizers, graceful deletion of pods.
 *
 * <p>Objects are kept as JSON in the store at {@code /registry/<resource>/<namespace>/<name>};
 * the resourceVersion is not stored but read from the key's revision, so it can never be
 * stale. What is simpler than kube-apiserver is named where it happens.
 */
final class Registry {

    /** Kinds whose metadata.generation counts changes to spec. */
    private static final Set<String> GENERATIONAL = Set.of("Pod", "Deployment", "ReplicaSet", "DaemonSet");
    private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

    private final Storage storage;
    private final Clock clock;
    private final String prefix;
    private final SecureRandom random = new SecureRandom();
    private final ServiceAllocator serviceAllocator;
    private final NamespaceLifecycle namespaces;

    /** One page of a list: items, the revision they were read at, and a token for the next page. */
    record Page(List<ObjectNode> items, long resourceVersion, String continueToken) {
    }

    /**
     * @param serviceClusterIPRange where Services' cluster IPs come from ({@code --service-cluster-ip-range})
     * @param serviceNodePortRange  where their node ports come from ({@code --service-node-port-range})
     */
    Registry(Storage storage, Clock clock, String prefix, String serviceClusterIPRange, String serviceNodePortRange,
             NamespaceLifecycle namespaces) {
        this.storage = storage;
        this.namespaces = namespaces;
        this.clock = clock;
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        this.serviceAllocator = new ServiceAllocator(serviceClusterIPRange, serviceNodePortRange, this::allServices);
    }

    // tag::store-keys[]
    String key(ResourceType type, String namespace, String name) {
        return collection(type, namespace) + name;
    }

    /** The key prefix of a collection; a null namespace means every namespace. */
    String collection(ResourceType type, String namespace) {
        String base = prefix + "/" + type.storageName() + "/";
        return type.namespaced() && namespace != null ? base + namespace + "/" : base;
    }
    // end::store-keys[]

    // --- create ---

    ObjectNode create(ResourceType type, String namespace, ObjectNode object) {
        // TODO lab 01, task create:
        // Store a new object. Namespaced kinds: set metadata.namespace to the URL's
        // namespace and requireActiveNamespace. Then prepareForCreate, validate, and
        // storage.create at key(...); return the stored object (decode). A name that
        // exists already is alreadyExists (409). With generateName and no name, the name
        // is generateName + randomSuffix(); on a clash try a new suffix, a few times.
        // A Service first reserves its cluster IP (serviceAllocator.allocateCreate) and
        // releases the reservation in a finally, once stored or refused.
        throw new UnsupportedOperationException("lab 01, task create: not written yet (see labs/01-api-server/README.adoc)");
    }

    private void prepareForCreate(ResourceType type, ObjectNode object) {
        // TODO lab 01, task prepare-create:
        // Set what the server owns on a new object: a fresh uid (a random UUID),
        // creationTimestamp (timestamp(clock.instant())), generation 1 for the
        // GENERATIONAL kinds and none for the others; drop what a client may not set
        // (resourceVersion, deletionTimestamp, deletionGracePeriodSeconds, selfLink,
        // managedFields); set apiVersion and kind from the type; apply Defaults.onCreate.
        throw new UnsupportedOperationException("lab 01, task prepare-create: not written yet (see labs/01-api-server/README.adoc)");
    }

    // --- read ---

    ObjectNode get(ResourceType type, String namespace, String name) {
        return decode(storage.get(key(type, namespace, name)).orElseThrow(() -> ApiErrors.notFound(type, name)));
    }

    // tag::list-pages[]
    /**
     * Up to {@code limit} objects (0: all) that pass {@code filter}, continuing from a
     * token of an earlier page. Pages read the revision of the first page, so together
     * they are one consistent list, as long as that revision has not been compacted.
     */
    Page list(ResourceType type, String namespace, Predicate<ObjectNode> filter, int limit, String continueToken) {
        long revision = 0;
        String startAfter = null;
        if (continueToken != null && !continueToken.isEmpty()) {
            String[] token = decodeContinue(continueToken);
            revision = Long.parseLong(token[0]);
            startAfter = token[1];
        }
        String collection = collection(type, namespace);
        List<ObjectNode> items = new ArrayList<>();
        try {
            while (true) {
                int want = limit == 0 ? 0 : Math.max(limit - items.size(), 1);
                Storage.Page page = storage.list(collection, revision, startAfter, want);
                revision = page.revision();
                for (KeyValue kv : page.items()) {
                    startAfter = kv.key();
                    ObjectNode object = decode(kv);
                    if (filter.test(object)) {
                        items.add(object);
                    }
                }
                boolean full = limit > 0 && items.size() >= limit;
                if (!page.more() || full) {
                    String next = page.more() || (full && hasMore(collection, revision, startAfter))
                            ? encodeContinue(revision, startAfter) : "";
                    return new Page(items, revision, next);
                }
            }
        } catch (StorageException.Compacted e) {
            throw ApiErrors.expired("The provided continue parameter is too old to display a consistent list result."
                    + " You can start a new list without the continue parameter.");
        } catch (IllegalArgumentException e) {   // a token naming a revision the store has not reached
            throw ApiErrors.badRequest("continue key is not valid: " + e.getMessage());
        }
    }

    private boolean hasMore(String collection, long revision, String after) {
        return !storage.list(collection, revision, after, 1).items().isEmpty();
    }
    // end::list-pages[]

    /** Changes to a collection after {@code fromRevision}; 0 means from now on. */
    Watch watch(ResourceType type, String namespace, long fromRevision) {
        long current = storage.currentRevision();
        if (fromRevision > current) {
            // kube-apiserver waits a few seconds for its cache to catch up, then says this.
            throw new ApiException(Status.failure(504, "Timeout", "Too large resource version: " + fromRevision
                    + ", current: " + current, null));
        }
        try {
            return storage.watch(collection(type, namespace), fromRevision);
        } catch (StorageException.Compacted e) {
            throw ApiErrors.expired("too old resource version: " + fromRevision + " (" + e.compactedRevision() + ")");
        }
    }

    long currentRevision() {
        return storage.currentRevision();
    }

    // --- update ---

    /**
     * Replaces an object. With a resourceVersion in the body, only if the object is still
     * at it (409 Conflict otherwise); without one, whatever it is now. On the main
     * resource, status is kept; on the status subresource, only status changes.
     */
    ObjectNode update(ResourceType type, String namespace, String name, ObjectNode object, boolean statusOnly) {
        // TODO lab 01, task update:
        // Optimistic concurrency. Read the stored object (notFound if missing). If the
        // request names a resourceVersion that is not the stored modRevision: conflict.
        // Build the new object (withStatus on the status subresource, else forUpdate),
        // validate it; if nothing changed, return the current object without writing.
        // (A Service's spec update goes through serviceAllocator.allocateUpdate first,
        // released in a finally, as in create.)
        // If it is marked for deletion and has no finalizers left (isFinished), deleteNow.
        // Else storage.update expecting the revision you read. If the store says
        // Conflict, someone wrote in between: conflict if the client named a version,
        // otherwise read again and retry. KeyNotFound: notFound.
        throw new UnsupportedOperationException("lab 01, task update: not written yet (see labs/01-api-server/README.adoc)");
    }

    /**
     * kube-apiserver's GuaranteedUpdate, for a change the server itself makes (a binding):
     * read the object, let {@code change} edit a copy, and write the result back only if
     * nothing was written in between; if something was, read and change again. A race
     * therefore costs a retry here, never a 409 to the client: {@code change} sees the
     * newest object each time and decides for itself, and may refuse by throwing an
     * {@link ApiException}. Spec and status are written together, so a watcher never sees
     * half of the change. Unlike {@link #update}, nothing the client sent is involved: the
     * server's own fields are trusted as {@code change} leaves them.
     */
    ObjectNode guaranteedUpdate(ResourceType type, String namespace, String name, UnaryOperator<ObjectNode> change) {
        String key = key(type, namespace, name);
        while (true) {
            KeyValue stored = storage.get(key).orElseThrow(() -> ApiErrors.notFound(type, name));
            ObjectNode current = decode(stored);
            ObjectNode updated = change.apply(current.deepCopy());
            validate(type, updated);
            if (updated.equals(current)) {
                return current;
            }
            try {
                return decode(storage.update(key, stored.modRevision(), encode(updated)));
            } catch (StorageException.Conflict writtenInBetween) {
                // read the newer object and apply the change to it
            } catch (StorageException.KeyNotFound e) {
                throw ApiErrors.notFound(type, name);
            }
        }
    }

    /** The new object, with what clients may not change on the main resource taken from the current one. */
    private static ObjectNode forUpdate(ResourceType type, ObjectNode current, ObjectNode requested) {
        // TODO lab 01, task update-rules:
        // Start from a copy of the requested object. Keep the server's fields from the
        // current object (name, namespace, uid, creationTimestamp, deletionTimestamp,
        // deletionGracePeriodSeconds, generation, resourceVersion: copy them, or remove
        // them when the current object has none), drop managedFields, set apiVersion
        // and kind. On kinds with a status subresource, keep the current status. Apply
        // Defaults.onUpdate. On GENERATIONAL kinds, when spec changed, generation + 1.
        throw new UnsupportedOperationException("lab 01, task update-rules: not written yet (see labs/01-api-server/README.adoc)");
    }

    private static ObjectNode withStatus(ObjectNode current, ObjectNode requested) {
        ObjectNode updated = current.deepCopy();
        if (requested.has("status")) {
            updated.set("status", requested.get("status"));
        } else {
            updated.remove("status");
        }
        return updated;
    }

    // --- delete ---

    /**
     * Deletes an object, or starts to: an object with finalizers, or a pod on a node with
     * a grace period, only gets a deletionTimestamp; whoever owns the finalizer (or the
     * kubelet) finishes the job. Returns the object as it was deleted or marked.
     *
     * <p>Simpler than Kubernetes: propagationPolicy Foreground and Orphan act like
     * Background (the garbage collector of chapter 04 is what honours them); deleting a
     * namespace deletes what it holds at once instead of through the namespace controller.
     */
    ObjectNode delete(ResourceType type, String namespace, String name, Long gracePeriodSeconds, String precondition) {
        String key = key(type, namespace, name);
        KeyValue stored = storage.get(key).orElseThrow(() -> ApiErrors.notFound(type, name));
        if (precondition != null && !precondition.isEmpty() && !precondition.equals(String.valueOf(stored.modRevision()))) {
            throw ApiErrors.conflict(type, name);
        }
        ObjectNode current = decode(stored);
        long grace = gracePeriod(type, current, gracePeriodSeconds);
        boolean hasFinalizers = current.path("metadata").path("finalizers").size() > 0;
        if (!hasFinalizers && grace == 0) {
            if (type.kind().equals("Namespace")) {
                deleteContents(name);
            }
            return deleteNow(type, key, stored.modRevision(), name);
        }
        ObjectNode meta = Json.child(current, "metadata");
        if (meta.has("deletionTimestamp") && grace >= meta.path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE)) {
            return current;
        }
        meta.put("deletionTimestamp", timestamp(clock.instant().plusSeconds(grace)));
        meta.put("deletionGracePeriodSeconds", grace);
        if (meta.has("generation")) {
            meta.put("generation", meta.get("generation").asLong() + 1);
        }
        try {
            return decode(storage.update(key, stored.modRevision(), encode(current)));
        } catch (StorageException.Conflict e) {
            return delete(type, namespace, name, gracePeriodSeconds, precondition);
        }
    }

    /** Pods bound to a node get their grace period (default 30 s) for the kubelet; the rest go at once. */
    private static long gracePeriod(ResourceType type, ObjectNode object, Long requested) {
        if (!type.kind().equals("Pod") || Json.text(object, "spec.nodeName").isEmpty()) {
            return 0;
        }
        if (requested != null) {
            return Math.max(requested, 0);
        }
        return object.path("spec").path("terminationGracePeriodSeconds").asLong(30);
    }

    private ObjectNode deleteNow(ResourceType type, String key, long revision, String name) {
        try {
            return decode(storage.delete(key, revision));
        } catch (StorageException.KeyNotFound e) {
            throw ApiErrors.notFound(type, name);
        } catch (StorageException.Conflict e) {
            throw ApiErrors.conflict(type, name);
        }
    }

    private void deleteContents(String namespace) {
        for (ResourceType type : Resources.all()) {
            if (type.namespaced()) {
                for (KeyValue kv : storage.list(collection(type, namespace), 0, null, 0).items()) {
                    try {
                        storage.delete(kv.key(), 0);
                    } catch (StorageException.KeyNotFound alreadyGone) {
                        // deleted by someone else in the meantime: that is what we wanted
                    }
                }
            }
        }
    }

    /** An object marked for deletion whose last finalizer is gone is deleted for real. */
    private static boolean isFinished(ObjectNode object) {
        JsonNode meta = object.path("metadata");
        return meta.has("deletionTimestamp") && meta.path("finalizers").size() == 0
                && meta.path("deletionGracePeriodSeconds").asLong(0) == 0;
    }

    // --- shared rules ---

    private static boolean isService(ResourceType type) {
        return type.qualifiedKind().equals("Service");
    }

    /** Every stored Service, in every namespace: what the {@link ServiceAllocator} finds taken. */
    private List<ObjectNode> allServices() {
        ResourceType services = Resources.find("", "v1", "services").orElseThrow();
        List<ObjectNode> all = new ArrayList<>();
        storage.list(collection(services, null), 0, null, 0).items().forEach(kv -> all.add(decode(kv)));
        return all;
    }

    /** Admission's NamespaceLifecycle: objects go only into namespaces that exist and are not terminating. */
    private void requireActiveNamespace(String namespace) {
        namespaces.admit(namespace);
    }

    private static void validate(ResourceType type, ObjectNode object) {
        ObjectMeta meta = Json.view(object.path("metadata"), ObjectMeta.class);
        List<FieldError> errors = new ArrayList<>(ObjectMetaValidation.validate(meta, type.namespaced(), type.nameRule()));
        errors.addAll(KindValidation.validate(type, object));
        if (!errors.isEmpty()) {
            String group = type.group().isEmpty() ? "" : type.group();
            throw new ApiException(Status.invalid(group, type.kind(), meta.name(), errors));
        }
    }

    // tag::resource-version[]
    /** The stored bytes are the object without its resourceVersion, which is the key's revision. */
    private static byte[] encode(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        Json.child(copy, "metadata").remove("resourceVersion");
        return Json.bytes(copy);
    }

    static ObjectNode decode(KeyValue kv) {
        ObjectNode object = Json.object(kv.value());
        if (kv.modRevision() > 0) {   // 0: never stored (a dry run), so no version
            Json.child(object, "metadata").put("resourceVersion", String.valueOf(kv.modRevision()));
        }
        return object;
    }
    // end::resource-version[]

    /**
     * What a create or update returns: {@code object}, which was just encoded into
     * {@code kv}'s value, with {@code kv}'s revision as its resourceVersion. The same
     * object {@link #decode} would read back, field for field, without parsing the bytes we
     * have just written: of the four passes over JSON in a create (parse the request,
     * encode for the store, parse that back, encode the answer) the dearest, since the
     * stored object, with its defaults, is several times the size of the request.
     */
    private static ObjectNode written(ObjectNode object, KeyValue kv) {
        ObjectNode meta = Json.child(object, "metadata");
        meta.remove("resourceVersion");   // encode left it out; decode puts it last
        if (kv.modRevision() > 0) {
            meta.put("resourceVersion", String.valueOf(kv.modRevision()));
        }
        return object;
    }

    static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private String randomSuffix() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            s.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
        }
        return s.toString();
    }

    // tag::continue-token[]
    private static String encodeContinue(long revision, String startAfter) {
        String raw = revision + "\n" + startAfter;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }
    // end::continue-token[]

    private static String[] decodeContinue(String token) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = raw.split("\n", 2);
            Long.parseLong(parts[0]);
            if (parts.length != 2) {
                throw new IllegalArgumentException();
            }
            return parts;
        } catch (IllegalArgumentException e) {
            throw ApiErrors.badRequest("continue key is not valid: " + token);
        }
    }
}
