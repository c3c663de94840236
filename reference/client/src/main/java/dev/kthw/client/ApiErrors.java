package dev.kthw.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.api.ApiException;
import dev.kthw.api.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * How the client reads a refusal: an answer outside 2xx becomes an {@link ApiException}
 * with the server's {@link Status}, or with one made from the HTTP code when the answer
 * is not a Status (a proxy's plain-text 502, a path the server does not serve), as
 * client-go's {@code newUnstructuredResponseError} does.
 */
final class ApiErrors {

    private ApiErrors() {
    }

    /**
     * The error an answer outside 2xx stands for: the server's own Status when it sent one
     * (it always does for API paths), otherwise one made from the code, as client-go does
     * for an answer it cannot decode.
     */
    static ApiException fromAnswer(int code, byte[] body) {
        try {
            JsonNode answer = KubeClient.JSON.readTree(body);
            if (answer != null && "Status".equals(answer.path("kind").asText())) {
                return new ApiException(status(answer, code));
            }
        } catch (IOException notJson) {
            // a plain-text answer: made into a Status below
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        String message = text.isEmpty() ? "the server answered " + code + " (" + reasonOf(code) + ")"
                : "the server answered " + code + ": " + (text.length() > 500 ? text.substring(0, 500) + "..." : text);
        return new ApiException(Status.failure(code, reasonOf(code), message, null));
    }

    /** A Status object from its JSON; {@code code} when the JSON has none. */
    static Status status(JsonNode json, int code) {
        Status status;
        try {
            status = KubeClient.JSON.treeToValue(json, Status.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return Status.failure(code, reasonOf(code), json.toString(), null);
        }
        if (status.code() == 0 || status.reason() == null) {
            int c = status.code() == 0 ? code : status.code();
            return new Status("Status", "v1", status.metadata(), "Failure",
                    status.message() == null ? "" : status.message(),
                    status.reason() == null ? reasonOf(c) : status.reason(), status.details(), c);
        }
        return status;
    }

    /** The reason Kubernetes gives each code (apimachinery's StatusReason). */
    static String reasonOf(int code) {
        return switch (code) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 406 -> "NotAcceptable";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "RequestEntityTooLarge";
            case 415 -> "UnsupportedMediaType";
            case 422 -> "Invalid";
            case 429 -> "TooManyRequests";
            case 500 -> "InternalError";
            case 503 -> "ServiceUnavailable";
            case 504 -> "Timeout";
            default -> "Unknown";
        };
    }
}
