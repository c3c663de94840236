package dev.kthw.store;

/**
 * Why a storage operation failed, in the terms the API server turns into a Status:
 * the key exists (409 AlreadyExists), is missing (404), changed since the caller read it
 * (409 Conflict), the revision asked for was compacted away (410 Gone), or the store
 * cannot be reached (503 ServiceUnavailable: etcd down, or no answer in time).
 */
public sealed class StorageException extends RuntimeException
        permits StorageException.KeyExists, StorageException.KeyNotFound, StorageException.Conflict,
        StorageException.Compacted, StorageException.Unavailable {

    StorageException(String message) {
        super(message);
    }

    public static final class KeyExists extends StorageException {
        public KeyExists(String key) {
            super("key exists: " + key);
        }
    }

    public static final class KeyNotFound extends StorageException {
        public KeyNotFound(String key) {
            super("key not found: " + key);
        }
    }

    /** The key's modRevision was not what the caller expected; {@code current} is what is stored now. */
    public static final class Conflict extends StorageException {
        private final transient KeyValue current;

        public Conflict(KeyValue current, long expected) {
            super("key " + current.key() + " is at revision " + current.modRevision() + ", not " + expected);
            this.current = current;
        }

        public KeyValue current() {
            return current;
        }
    }

    /** The revision asked for is older than the oldest the store still keeps. */
    public static final class Compacted extends StorageException {
        private final long compactedRevision;

        public Compacted(long requested, long compactedRevision) {
            super("revision " + requested + " has been compacted (oldest kept: " + compactedRevision + ")");
            this.compactedRevision = compactedRevision;
        }

        public long compactedRevision() {
            return compactedRevision;
        }
    }

    /** The store cannot be reached (etcd down); the caller may retry later. */
    public static final class Unavailable extends StorageException {
        public Unavailable(String message) {
            super(message);
        }
    }
}
