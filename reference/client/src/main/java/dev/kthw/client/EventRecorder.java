package dev.kthw.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Writes core/v1 Events about objects, as every kube component does ("Scheduled",
 * "FailedScheduling", "Pulled"...): what {@code kubectl describe} lists at the bottom
 * and {@code kubectl get events} shows.
 *
 * <p>Events are best effort, as in Kubernetes: recording one never blocks and never
 * fails the caller. The Event is built at once (its timestamps are when it happened),
 * put on a bounded queue, and posted by the recorder's own thread; when the queue is
 * full (the API server is slow or gone) new Events are dropped, and a failed post is
 * logged, not retried.
 *
 * <p>Simpler than client-go's EventRecorder and EventBroadcaster: no aggregation of
 * repeats (client-go patches {@code count} and {@code lastTimestamp} of an existing
 * Event for the same object and reason; ours writes a new Event with count 1 each
 * time), no spam filter, no retries, and the core/v1 API only (not events.k8s.io/v1).
 */
public final class EventRecorder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventRecorder.class.getName());
    /** Events waiting to be posted; client-go's broadcaster also holds 1,000. */
    public static final int QUEUE_LIMIT = 1000;
    private static final Duration DRAIN_ON_CLOSE = Duration.ofSeconds(2);

    private final KubeClient client;
    private final String component;
    private final String instance;
    private final Clock clock;
    private final BlockingQueue<ObjectNode> queue = new ArrayBlockingQueue<>(QUEUE_LIMIT);
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The last name suffix handed out, so that two Events in one nanosecond still get two names. */
    private final AtomicLong lastSuffix = new AtomicLong();

    /**
     * @param component who reports: {@code source.component} and {@code reportingComponent}
     *                  ({@code default-scheduler}, {@code kubelet})
     * @param instance  which copy of it: {@code reportingInstance} and {@code source.host}
     *                  (the host or node name)
     */
    public EventRecorder(KubeClient client, String component, String instance, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.component = Objects.requireNonNull(component, "component");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.thread = new Thread(this::run, "event-recorder " + component);
        thread.setDaemon(true);
        thread.start();
    }

    public EventRecorder(KubeClient client, String component, String instance) {
        this(client, component, instance, Clock.systemUTC());
    }

    /** A Normal event: something went as it should ("Scheduled"). */
    public void normal(JsonNode object, String reason, String message) {
        event(object, "Normal", reason, message);
    }

    /** A Warning event: something went wrong ("FailedScheduling"). */
    public void warning(JsonNode object, String reason, String message) {
        event(object, "Warning", reason, message);
    }

    /**
     * Records that {@code reason} happened to {@code object} (an object as read from the
     * API, with its kind, apiVersion and metadata). Returns at once.
     *
     * @param type Normal or Warning
     */
    public void event(JsonNode object, String type, String reason, String message) {
        if (!type.equals("Normal") && !type.equals("Warning")) {
            throw new IllegalArgumentException("an event's type is Normal or Warning, not " + type);
        }
        ObjectNode event = build(object, type, reason, message);
        if (!queue.offer(event)) {
            LOG.warning(() -> "dropped an event (" + QUEUE_LIMIT + " are waiting): " + reason + " " + message);
        }
    }

    ObjectNode build(JsonNode object, String type, String reason, String message) {
        JsonNode meta = object.path("metadata");
        String name = meta.path("name").asText("");
        String objectNamespace = meta.path("namespace").asText("");
        Instant now = clock.instant();
        String timestamp = now.truncatedTo(ChronoUnit.SECONDS).toString();   // Time: RFC 3339, whole seconds

        ObjectNode event = KubeClient.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Event");
        // A cluster-wide object's (a Node's) Events go to the default namespace, as in Kubernetes.
        event.putObject("metadata").put("name", name + "." + Long.toHexString(suffix(now)))
                .put("namespace", objectNamespace.isEmpty() ? "default" : objectNamespace);
        ObjectNode involved = event.putObject("involvedObject")
                .put("kind", object.path("kind").asText(""))
                .put("name", name)
                .put("uid", meta.path("uid").asText(""))
                .put("apiVersion", object.path("apiVersion").asText(""))
                .put("resourceVersion", meta.path("resourceVersion").asText(""));
        if (!objectNamespace.isEmpty()) {
            involved.put("namespace", objectNamespace);
        }
        event.put("reason", reason).put("message", message).put("type", type);
        event.putObject("source").put("component", component).put("host", instance);
        event.put("firstTimestamp", timestamp).put("lastTimestamp", timestamp).put("count", 1);
        event.put("reportingComponent", component).put("reportingInstance", instance);
        return event;
    }

    /** client-go names an Event {@code <object>.<time in nanoseconds, hex>}; ours also never repeats. */
    private long suffix(Instant now) {
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        return lastSuffix.updateAndGet(last -> Math.max(last + 1, nanos));
    }

    private void run() {
        while (stopped.getCount() > 0 || !queue.isEmpty()) {
            ObjectNode event;
            try {
                event = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (event != null) {
                post(event);
            }
        }
    }

    private void post(ObjectNode event) {
        String namespace = event.path("metadata").path("namespace").asText();
        try {
            client.create("/api/v1/namespaces/" + namespace + "/events", event);
        } catch (RuntimeException e) {   // best effort: say so, and go on with the next
            LOG.warning(() -> "could not record event " + event.path("reason").asText() + " on "
                    + event.path("involvedObject").path("name").asText() + ": " + e.getMessage());
        }
    }

    /** Posts what is still queued (for at most a couple of seconds), then stops. */
    @Override
    public void close() {
        stopped.countDown();
        try {
            thread.join(DRAIN_ON_CLOSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            LOG.warning(() -> queue.size() + " events were not recorded before the recorder closed");
        }
    }
}
