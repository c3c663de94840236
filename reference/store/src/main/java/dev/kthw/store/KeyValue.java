package dev.kthw.store;

import java.util.Objects;

/**
 * One stored key, as etcd reports it: the value, the revision that created the key and
 * the revision that last changed it. The API server's resourceVersion is
 * {@code modRevision}.
 *
 * <p>{@code value} is never modified after a KeyValue is made; callers must not write
 * into it either (arrays cannot be made read-only in Java, so this is a rule).
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
