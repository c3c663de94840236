package dev.kthw.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI v3: the schemas of the served kinds, built from {@link ApiTypes}, which is what
 * {@code kubectl explain} reads.
 *
 * <pre>
 *   GET /openapi/v3              {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=…"}, …}}
 *   GET /openapi/v3/api/v1       {"openapi": "3.0.0", "components": {"schemas": {"io.k8s.api.core.v1.Pod": …}}}
 * </pre>
 * One document per group/version holds the schemas of its kinds and of every type they
 * reach. A kind's schema carries {@code x-kubernetes-group-version-kind}, which is how
 * kubectl finds it; fields refer to other schemas with {@code $ref}; lists carry the
 * strategic merge patch and server-side apply markers of the model. The hash in the
 * index changes when the document does, so clients may cache documents by URL.
 *
 * <p>Simpler than kube-apiserver: operations are listed with what kubectl looks for (the
 * kind, the write parameters), not with their request and response schemas. Documents are
 * built once, at class load, since the model never changes.
 */
final class OpenApi {

    private static final String REF = "#/components/schemas/";
    private static final Map<String, ObjectNode> DOCUMENTS = documents();
    private static final ObjectNode INDEX = buildIndex();

    private OpenApi() {
    }

    /** {@code GET /openapi/v3}. */
    static ObjectNode index() {
        return INDEX;
    }

    /** {@code GET /openapi/v3/api/v1} or {@code /openapi/v3/apis/apps/v1}; null if no such group/version. */
    static ObjectNode document(String path) {
        return DOCUMENTS.get(path);
    }

    private static ObjectNode buildIndex() {
        ObjectNode index = Json.MAPPER.createObjectNode();
        ObjectNode paths = index.putObject("paths");
        DOCUMENTS.forEach((path, document) -> paths.putObject(path)
                .put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash(document)));
        return index;
    }

    private static Map<String, ObjectNode> documents() {
        Map<String, ObjectNode> documents = new LinkedHashMap<>();
        Resources.byGroupVersion().forEach((groupVersion, types) -> {
            ObjectNode document = Json.MAPPER.createObjectNode().put("openapi", "3.0.0");
            document.putObject("info").put("title", "Kubernetes").put("version", "v1.30.0-kthw");
            ObjectNode paths = document.putObject("paths");
            ObjectNode schemas = document.putObject("components").putObject("schemas");
            for (ResourceType resource : types) {
                addSchema(schemas, ApiTypes.of(resource));
                addPaths(paths, resource);
            }
            documents.put(types.get(0).groupVersionPath().substring(1), document);
        });
        return documents;
    }

    /**
     * The operations on a resource's collection and objects. kubectl explain finds a
     * kind's schema through them: the resource's path, an operation on it, its
     * {@code x-kubernetes-group-version-kind}. The {@code fieldValidation} parameter tells
     * kubectl that the server checks fields itself, so kubectl need not.
     */
    private static void addPaths(ObjectNode paths, ResourceType resource) {
        String collection = resource.groupVersionPath() + (resource.namespaced() ? "/namespaces/{namespace}/" : "/")
                + resource.plural();
        ObjectNode list = paths.putObject(collection);
        operation(list, "get", "list", resource, false);
        operation(list, "post", "post", resource, true);
        ObjectNode object = paths.putObject(collection + "/{name}");
        operation(object, "get", "get", resource, false);
        operation(object, "put", "put", resource, true);
        operation(object, "patch", "patch", resource, true);
        operation(object, "delete", "delete", resource, false);
    }

    private static void operation(ObjectNode path, String method, String action, ResourceType resource,
                                  boolean writes) {
        ObjectNode op = path.putObject(method).put("operationId", action + resource.kind())
                .put("x-kubernetes-action", action);
        op.putObject("x-kubernetes-group-version-kind").put("group", resource.group())
                .put("kind", resource.kind()).put("version", resource.version());
        if (writes) {
            ArrayNode parameters = op.putArray("parameters");
            for (String name : List.of("dryRun", "fieldManager", "fieldValidation")) {
                parameters.addObject().put("name", name).put("in", "query").putObject("schema").put("type", "string");
            }
        }
        op.putObject("responses").putObject("200").put("description", "OK");
    }

    /** Adds the schema of {@code type} and of every type it refers to. */
    private static void addSchema(ObjectNode schemas, ApiTypes.Type type) {
        if (schemas.has(type.name())) {
            return;
        }
        ObjectNode schema = schemas.putObject(type.name()).put("description", type.description()).put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        if (type.kind() != null) {
            properties.putObject("apiVersion").put("type", "string")
                    .put("description", "the versioned schema of this object: " + type.apiVersion());
            properties.putObject("kind").put("type", "string")
                    .put("description", "the kind of this object: " + type.kind());
            String group = type.apiVersion().contains("/") ? type.apiVersion().split("/")[0] : "";
            String version = type.apiVersion().substring(type.apiVersion().indexOf('/') + 1);
            schema.putArray("x-kubernetes-group-version-kind").addObject()
                    .put("group", group).put("kind", type.kind()).put("version", version);
        }
        for (ApiTypes.Field field : ApiTypes.jsonFields(type).values()) {
            properties.set(field.name(), property(schemas, field));
        }
        for (String special : List.of("Time", "MicroTime", "Quantity", "IntOrString")) {
            schemas.set(specialName(special), specialSchema(special));
        }
    }

    private static ObjectNode property(ObjectNode schemas, ApiTypes.Field field) {
        ObjectNode element = elementSchema(schemas, field.element());
        ObjectNode property;
        switch (field.container()) {
            case LIST -> {
                property = Json.MAPPER.createObjectNode().put("type", "array");
                property.set("items", element);
                if (field.listType() != null) {
                    property.put("x-kubernetes-list-type", field.listType());
                }
                if (!field.listMapKeys().isEmpty()) {
                    ArrayNode keys = property.putArray("x-kubernetes-list-map-keys");
                    field.listMapKeys().forEach(keys::add);
                }
            }
            case MAP -> {
                property = Json.MAPPER.createObjectNode().put("type", "object");
                property.set("additionalProperties", element);
            }
            default -> property = element.has("$ref") ? wrap(element) : element;
        }
        property.put("description", field.description());
        if (field.mergeKey() != null) {
            property.put("x-kubernetes-patch-merge-key", field.mergeKey());
        }
        if (field.patchStrategy() != null) {
            property.put("x-kubernetes-patch-strategy", field.patchStrategy());
        }
        return property;
    }

    /** A reference with a description next to it must be wrapped, as kube-openapi does: {@code allOf: [$ref]}. */
    private static ObjectNode wrap(ObjectNode ref) {
        ObjectNode wrapped = Json.MAPPER.createObjectNode();
        wrapped.putArray("allOf").add(ref);
        return wrapped;
    }

    private static ObjectNode elementSchema(ObjectNode schemas, String element) {
        ObjectNode schema = Json.MAPPER.createObjectNode();
        switch (element) {
            case "string" -> schema.put("type", "string");
            case "bytes" -> schema.put("type", "string").put("format", "byte");
            case "int32", "int64" -> schema.put("type", "integer").put("format", element);
            case "bool" -> schema.put("type", "boolean");
            case "double" -> schema.put("type", "number").put("format", "double");
            case "object" -> schema.put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
            case "Time", "MicroTime", "Quantity", "IntOrString" -> schema.put("$ref", REF + specialName(element));
            default -> {
                addSchema(schemas, ApiTypes.type(element));
                schema.put("$ref", REF + element);
            }
        }
        return schema;
    }

    private static String specialName(String special) {
        return switch (special) {
            case "Time", "MicroTime" -> "io.k8s.apimachinery.pkg.apis.meta.v1." + special;
            case "Quantity" -> "io.k8s.apimachinery.pkg.api.resource.Quantity";
            default -> "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
        };
    }

    private static ObjectNode specialSchema(String special) {
        ObjectNode schema = Json.MAPPER.createObjectNode();
        switch (special) {
            case "Time" -> schema.put("description", "a point in time, as an RFC 3339 string in UTC")
                    .put("type", "string").put("format", "date-time");
            case "MicroTime" -> schema.put("description", "a point in time with microseconds, as RFC 3339")
                    .put("type", "string").put("format", "date-time");
            case "Quantity" -> {
                // no "type": either a string or a number, and kubectl explain then prints the name, <Quantity>
                schema.put("description", "an amount with an optional unit suffix: 500m, 128Mi, 2");
                ArrayNode oneOf = schema.putArray("oneOf");
                oneOf.addObject().put("type", "string");
                oneOf.addObject().put("type", "number");
            }
            default -> {
                schema.put("description", "a number or a string, such as a port number or name")
                        .put("x-kubernetes-int-or-string", true);
                ArrayNode anyOf = schema.putArray("anyOf");
                anyOf.addObject().put("type", "integer");
                anyOf.addObject().put("type", "string");
            }
        }
        return schema;
    }

    private static String hash(ObjectNode document) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(Json.bytes(document));
            return HexFormat.of().withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
