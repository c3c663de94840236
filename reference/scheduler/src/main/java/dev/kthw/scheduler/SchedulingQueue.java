package dev.kthw.scheduler;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The pods waiting for a node, in three places, as kube-scheduler's PriorityQueue:
 *
 * <ul>
 * <li><b>active</b>: ready to be tried, highest {@code spec.priority} first, then the
 *     oldest; {@link #pop} takes from here and blocks while it is empty.</li>
 * <li><b>backoff</b>: failed recently; each failure doubles the wait (1s, 2s, 4s ... at
 *     most 10s by default), so a pod that cannot be placed does not hog the scheduler.
 *     {@link #flushBackoffCompleted} moves those whose wait is over to active.</li>
 * <li><b>unschedulable</b>: no node fits, and trying again now would give the same answer.
 *     They wait for a cluster {@link Event} that may change it (a node added, a pod
 *     deleted), or for 5 minutes ({@link #flushUnschedulableLeftover}), whichever first.</li>
 * </ul>
 *
 * <p>A popped pod is "in flight" until the Scheduler says how it went ({@link #done},
 * {@link #addUnschedulable}, {@link #addBackoff}). An event that arrives meanwhile must
 * not be lost: the queue counts scheduling cycles, remembers the cycle of the last move
 * request, and a pod whose cycle began before it goes to backoff instead of waiting for
 * an event that has already happened. A pod deleted while in flight is not requeued.
 *
 * <p>Invariants: a pod (by namespace/name) is in at most one of active, backoff,
 * unschedulable and in-flight. Every field is guarded by {@code this}. Time comes from
 * the injected clock, so tests move it by hand.
 *
 * <p>Simpler than kube-scheduler: which events may help a pod is decided by one small
 * table ({@link Event#mayHelp}) instead of per-plugin event registrations and queueing
 * hints; no pods are gated (schedulingGates), and there is no nominator.
 */
public final class SchedulingQueue implements AutoCloseable {

    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    /** kube-scheduler's podMaxInUnschedulablePodsDuration. */
    public static final Duration DEFAULT_MAX_IN_UNSCHEDULABLE = Duration.ofMinutes(5);

    /** Cluster changes that may make an unschedulable pod schedulable. */
    public enum Event {
        NODE_ADD, NODE_UPDATE, ASSIGNED_POD_ADD, ASSIGNED_POD_UPDATE, ASSIGNED_POD_DELETE, UNSCHEDULABLE_TIMEOUT;

        /**
         * May this event help a pod rejected by these plugins? A new or changed pod elsewhere
         * takes room rather than freeing it, so it can only help the plugins that look at
         * other pods' placement; anything else may help anyone.
         */
        public boolean mayHelp(Set<String> rejectedBy) {
            if (this == ASSIGNED_POD_ADD || this == ASSIGNED_POD_UPDATE) {
                return rejectedBy.isEmpty() || rejectedBy.contains("InterPodAffinity")
                        || rejectedBy.contains("PodTopologySpread");
            }
            return true;
        }
    }

    /** What {@link #pop} hands out: the pod, how many times it has been tried, and in which cycle. */
    public record QueuedPod(Pod pod, int attempts, long cycle) {
    }

    /** How many pods wait where: the {@code scheduler_pending_pods} gauge. */
    public record Pending(int active, int backoff, int unschedulable) {
    }

    /** A waiting pod. Its sort fields change only while it is in no TreeSet. */
    private static final class Entry {
        Pod pod;
        int attempts;
        Instant timestamp;             // when it entered the queue or last failed
        long sequence;                 // order of arrival, to keep equal pods first come first served
        Set<String> rejectedBy = Set.of();

        Entry(Pod pod, Instant timestamp) {
            this.pod = pod;
            this.timestamp = timestamp;
        }
    }

    private static final Comparator<Entry> BY_PRIORITY = Comparator
            .comparingInt((Entry e) -> -e.pod.priority())
            .thenComparing(e -> e.pod.created())
            .thenComparingLong(e -> e.sequence);

    private final Clock clock;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxInUnschedulable;

    private final TreeSet<Entry> active = new TreeSet<>(BY_PRIORITY);
    private final TreeSet<Entry> backoff;
    private final Map<String, Entry> unschedulable = new HashMap<>();
    private final Map<String, Entry> byKey = new HashMap<>();           // every pod in active or backoff
    private final Map<String, Entry> inFlight = new HashMap<>();        // popped, outcome not known yet
    private long sequence;
    private long schedulingCycle;
    private long moveRequestCycle = -1;
    private boolean closed;
    private ScheduledExecutorService flusher;

    public SchedulingQueue(Clock clock) {
        this(clock, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_IN_UNSCHEDULABLE);
    }

    public SchedulingQueue(Clock clock, Duration initialBackoff, Duration maxBackoff, Duration maxInUnschedulable) {
        this.clock = requireNonNull(clock, "clock");
        this.initialBackoff = requireNonNull(initialBackoff, "initialBackoff");
        this.maxBackoff = requireNonNull(maxBackoff, "maxBackoff");
        this.maxInUnschedulable = requireNonNull(maxInUnschedulable, "maxInUnschedulable");
        this.backoff = new TreeSet<>(Comparator.comparing(this::backoffExpiry).thenComparingLong(e -> e.sequence));
    }

    /** Flushes backoff every second and unschedulable pods every 30 seconds, as kube-scheduler does. */
    public synchronized void start() {
        if (flusher == null && !closed) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "scheduling-queue-flush");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(this::flushBackoffCompleted, 1, 1, TimeUnit.SECONDS);
            flusher.scheduleWithFixedDelay(this::flushUnschedulableLeftover, 30, 30, TimeUnit.SECONDS);
        }
    }

    /** A new pending pod: straight to active. A pod already known is updated instead. */
    public synchronized void add(Pod pod) {
        if (isKnown(pod.key())) {
            update(pod);
            return;
        }
        Entry e = new Entry(pod, clock.instant());
        toActive(e);
    }

    /**
     * A pending pod changed. In active or backoff it is replaced where it is; in flight, the
     * newer pod is what gets requeued; unschedulable, it is retried if what the scheduler
     * reads of it changed (not for a new resourceVersion alone, such as our own status write).
     */
    public synchronized void update(Pod pod) {
        String key = pod.key();
        Entry e = byKey.get(key);
        if (e != null) {
            boolean wasActive = active.remove(e);
            if (!wasActive) {
                backoff.remove(e);
            }
            e.pod = pod;
            (wasActive ? active : backoff).add(e);
        } else if (inFlight.containsKey(key)) {
            inFlight.get(key).pod = pod;
        } else if (unschedulable.containsKey(key)) {
            Entry parked = unschedulable.get(key);
            boolean changed = !sameSchedulingInputs(parked.pod, pod);
            parked.pod = pod;
            if (changed) {
                unschedulable.remove(key);
                toActiveOrBackoff(parked);
            }
        } else {
            add(pod);
        }
    }

    /** The pod is gone (deleted, or bound by someone else): it leaves the queue wherever it is. */
    public synchronized void delete(String key) {
        Entry e = byKey.remove(key);
        if (e != null) {
            active.remove(e);
            backoff.remove(e);
        }
        unschedulable.remove(key);
        inFlight.remove(key);
    }

    /**
     * The next pod to schedule, waiting for one if active is empty; null once closed. The
     * pod is in flight until {@link #done}, {@link #addUnschedulable} or {@link #addBackoff}.
     */
    public synchronized QueuedPod pop() throws InterruptedException {
        while (active.isEmpty() && !closed) {
            wait();
        }
        if (closed) {
            return null;
        }
        Entry e = active.pollFirst();
        byKey.remove(e.pod.key());
        e.attempts++;
        schedulingCycle++;
        inFlight.put(e.pod.key(), e);
        return new QueuedPod(e.pod, e.attempts, schedulingCycle);
    }

    /** The popped pod was scheduled (assumed on a node): it leaves the queue. */
    public synchronized void done(String key) {
        inFlight.remove(key);
    }

    // tag::in-flight[]
    /**
     * No node fits the popped pod. It waits in unschedulable for an event that may help
     * (rejectedBy: the plugins that rejected it), unless one came while it was in flight:
     * then it goes to backoff at once.
     */
    public synchronized void addUnschedulable(QueuedPod popped, Set<String> rejectedBy) {
        Entry e = inFlight.remove(popped.pod().key());
        if (e == null) {
            return;   // deleted meanwhile
        }
        e.timestamp = clock.instant();
        e.rejectedBy = Set.copyOf(rejectedBy);
        if (moveRequestCycle >= popped.cycle()) {
            toBackoff(e);
        } else {
            unschedulable.put(e.pod.key(), e);
        }
    }
    // end::in-flight[]

    /** Scheduling the popped pod failed for another reason (an error, a failed binding): it backs off. */
    public synchronized void addBackoff(QueuedPod popped) {
        Entry e = inFlight.remove(popped.pod().key());
        if (e == null) {
            return;
        }
        e.timestamp = clock.instant();
        toBackoff(e);
    }

    // tag::on-event[]
    /**
     * Something changed in the cluster: every unschedulable pod this may help is retried,
     * through backoff if it is still backing off.
     */
    public synchronized void moveAllToActiveOrBackoff(Event event) {
        List<Entry> moving = new ArrayList<>();
        for (Entry e : unschedulable.values()) {
            if (event.mayHelp(e.rejectedBy)) {
                moving.add(e);
            }
        }
        for (Entry e : moving) {
            unschedulable.remove(e.pod.key());
            toActiveOrBackoff(e);
        }
        moveRequestCycle = schedulingCycle;
    }
    // end::on-event[]

    /** Moves the pods whose backoff is over to active. */
    public synchronized void flushBackoffCompleted() {
        Instant now = clock.instant();
        while (!backoff.isEmpty() && !backoffExpiry(backoff.first()).isAfter(now)) {
            Entry e = backoff.pollFirst();
            active.add(e);
        }
        notifyAll();
    }

    /** Retries the pods that have waited in unschedulable longer than the limit (5 minutes). */
    public synchronized void flushUnschedulableLeftover() {
        Instant now = clock.instant();
        List<Entry> stale = new ArrayList<>();
        for (Entry e : unschedulable.values()) {
            if (Duration.between(e.timestamp, now).compareTo(maxInUnschedulable) > 0) {
                stale.add(e);
            }
        }
        for (Entry e : stale) {
            unschedulable.remove(e.pod.key());
            toActiveOrBackoff(e);
        }
    }

    public synchronized Pending pending() {
        return new Pending(active.size(), backoff.size(), unschedulable.size());
    }

    /** Where the pod waits: "active", "backoff", "unschedulable", "in flight", or null. For tests and logs. */
    public synchronized String where(String key) {
        Entry e = byKey.get(key);
        if (e != null) {
            return active.contains(e) ? "active" : "backoff";
        }
        if (unschedulable.containsKey(key)) {
            return "unschedulable";
        }
        return inFlight.containsKey(key) ? "in flight" : null;
    }

    /** Releases {@link #pop} (it returns null) and stops the flushing. */
    @Override
    public synchronized void close() {
        closed = true;
        if (flusher != null) {
            flusher.shutdownNow();
        }
        notifyAll();
    }

    /** initial × 2^(attempts−1), at most max: kube-scheduler's podInitialBackoff and podMaxBackoff. */
    Duration backoffDuration(int attempts) {
        Duration d = initialBackoff;
        for (int i = 1; i < attempts; i++) {
            if (d.compareTo(maxBackoff.minus(d)) > 0) {
                return maxBackoff;
            }
            d = d.plus(d);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    private Instant backoffExpiry(Entry e) {
        return e.timestamp.plus(backoffDuration(e.attempts));
    }

    private boolean isKnown(String key) {
        return byKey.containsKey(key) || unschedulable.containsKey(key) || inFlight.containsKey(key);
    }

    private void toActiveOrBackoff(Entry e) {
        if (e.attempts > 0 && backoffExpiry(e).isAfter(clock.instant())) {
            toBackoff(e);
        } else {
            toActive(e);
        }
    }

    private void toActive(Entry e) {
        e.sequence = sequence++;
        active.add(e);
        byKey.put(e.pod.key(), e);
        notifyAll();
    }

    private void toBackoff(Entry e) {
        e.sequence = sequence++;
        backoff.add(e);
        byKey.put(e.pod.key(), e);
    }

    /** Equal but for resourceVersion: a write that changed nothing the scheduler reads (our own status patch). */
    private static boolean sameSchedulingInputs(Pod a, Pod b) {
        return a.equals(new Pod(b.namespace(), b.name(), b.uid(), a.resourceVersion(),
                b.schedulerName(), b.nodeName(), b.priority(), b.preemptionPolicy(), b.labels(), b.nodeSelector(),
                b.requests(), b.tolerations(), b.affinity(), b.topologySpreadConstraints(), b.created(),
                b.terminating()));
    }
}
