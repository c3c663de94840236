package dev.kthw.client;

/**
 * A request got no answer from the API server: the connection was refused or broke off,
 * or the server did not answer in time. The server said nothing, so there is no
 * {@link dev.kthw.api.Status} to carry; an answer the server did give, even an error, is
 * an {@link dev.kthw.api.ApiException} instead.
 *
 * <p>Callers usually retry after a pause: the server may be restarting. client-go has no
 * such type (it returns Go's {@code net.Error}); a named unchecked exception lets Java
 * callers tell "the server refused" from "the server was not there".
 */
public final class ServerUnreachableException extends RuntimeException {

    public ServerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
