package dev.kthw.apiserver;

import dev.kthw.api.ApiException;
import dev.kthw.api.Status;

/**
 * The errors the API server answers with, worded as Kubernetes words them (apimachinery's
 * {@code api/errors}), so kubectl prints the same lines against kthw as against a real
 * cluster: {@code Error from server (NotFound): pods "web" not found}.
 */
final class ApiErrors {

    private ApiErrors() {
    }

    static ApiException notFound(ResourceType type, String name) {
        return error(404, "NotFound", type.qualifiedResource() + " \"" + name + "\" not found", type, name);
    }

    static ApiException alreadyExists(ResourceType type, String name) {
        return error(409, "AlreadyExists", type.qualifiedResource() + " \"" + name + "\" already exists", type, name);
    }

    static ApiException conflict(ResourceType type, String name) {
        return error(409, "Conflict", "Operation cannot be fulfilled on " + type.qualifiedResource() + " \"" + name
                + "\": the object has been modified; please apply your changes to the latest version and try again",
                type, name);
    }

    static ApiException namespaceNotFound(String namespace) {
        return new ApiException(Status.failure(404, "NotFound", "namespaces \"" + namespace + "\" not found",
                new Status.Details(namespace, null, "namespaces", null)));
    }

    static ApiException badRequest(String message) {
        return new ApiException(Status.failure(400, "BadRequest", message, null));
    }

    static ApiException methodNotAllowed() {
        return new ApiException(Status.failure(405, "MethodNotAllowed",
                "the server does not allow this method on the requested resource", null));
    }

    static ApiException pathNotFound() {
        return new ApiException(Status.failure(404, "NotFound", "the server could not find the requested resource",
                null));
    }

    /** A watch or list from a revision the store no longer keeps: the client must list again. */
    static ApiException expired(String message) {
        return new ApiException(Status.failure(410, "Expired", message, null));
    }

    static ApiException tooLarge(long limit) {
        return new ApiException(Status.failure(413, "RequestEntityTooLarge",
                "Request entity too large: limit is " + limit, null));
    }

    static ApiException unsupportedMediaType() {
        return new ApiException(Status.failure(415, "UnsupportedMediaType", "the body of the request was in an "
                + "unknown format - accepted media types include: application/json, application/yaml, "
                + "application/vnd.kubernetes.protobuf", null));
    }

    static ApiException unavailable(String message) {
        return new ApiException(Status.failure(503, "ServiceUnavailable", message, null));
    }

    private static ApiException error(int code, String reason, String message, ResourceType type, String name) {
        String group = type.group().isEmpty() ? null : type.group();
        return new ApiException(Status.failure(code, reason, message,
                new Status.Details(name, group, type.plural(), null)));
    }
}
