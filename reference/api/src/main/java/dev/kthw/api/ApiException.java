package dev.kthw.api;

import java.util.Objects;

/**
 * An API call failed for a reason the client should see. Carries the {@link Status} the
 * API server sends back, so code deep in a handler can say "409 Conflict" once and the
 * HTTP layer only has to encode it.
 */
public final class ApiException extends RuntimeException {

    private final transient Status status;

    public ApiException(Status status) {
        super(Objects.requireNonNull(status, "status").message());
        this.status = status;
    }

    public Status status() {
        return status;
    }

    public int code() {
        return status.code();
    }
}
