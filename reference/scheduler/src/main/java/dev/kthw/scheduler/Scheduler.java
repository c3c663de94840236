package dev.kthw.scheduler;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.kthw.client.EventRecorder;
import dev.kthw.client.Informer;
import dev.kthw.client.KubeClient;
import dev.kthw.client.LeaderElector;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * kube-scheduler: watches pods that have no node, picks one for each, binds it. It talks
 * only to the API server:
 *
 * <pre>
 *   informers (nodes, pods) ─▶ SchedulerCache (nodes, bound and assumed pods)
 *                           └▶ SchedulingQueue (pending pods of our scheduler names)
 *   loop: pop ─▶ snapshot ─▶ Framework.schedule ─▶ assume ─▶ bind (pool) ─▶ Scheduled event
 *                                  └ FitError ─▶ [preempt] ─▶ FailedScheduling, PodScheduled=False
 * </pre>
 *
 * <p>One scheduling loop, so cycles never race each other for the same space; binding
 * is slow (an API call) and runs beside it, which is safe because the pod is already
 * assumed in the cache. With leader election only the leader runs the loop; standbys keep
 * their informers warm so that taking over is quick. Losing the lease stops the scheduler
 * ({@link #awaitStop} returns true): kube-scheduler exits then, and so does
 * {@code kthw scheduler}.
 *
 * <p>Simpler than kube-scheduler: a preemptor's nominatedNodeName is written, but other
 * pods' filtering does not count it against that node while the victims go (the preemptor
 * waits in the queue until they are gone); events are not aggregated;
 * {@code /metrics} and {@code /healthz} are plain HTTP.
 */
public final class Scheduler implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    /** Binding calls in flight at once (SchedulerBenchmark's ceiling uses as many clients). */
    public static final int BINDERS = 4;

    /**
     * @param configuration the KubeSchedulerConfiguration (profiles, leader election, backoff)
     * @param catalog       where plugins come from (PluginRegistry)
     * @param bindAddress   where /healthz and /metrics listen
     * @param port          their port; 0 picks a free one, -1 serves none
     */
    public record Options(SchedulerConfiguration configuration, PluginCatalog catalog,
            String identity, String bindAddress, int port, Clock clock) {
        public Options {
            requireNonNull(configuration, "configuration");
            requireNonNull(catalog, "catalog");
            requireNonNull(clock, "clock");
            if (identity == null || identity.isEmpty()) {
                identity = defaultIdentity();
            }
        }
    }

    private final KubeClient client;
    private final Options options;
    private final Map<String, Framework> profiles = new LinkedHashMap<>();   // schedulerName → its profile
    private final SchedulerCache cache;
    private final SchedulingQueue queue;
    private final Metrics metrics = new Metrics();
    private final Map<String, EventRecorder> recorders = new LinkedHashMap<>();   // one per profile, as kube's
    private final Informer nodes;
    private final Informer pods;
    private final ExecutorService apiCalls = Executors.newFixedThreadPool(BINDERS, daemon("scheduler-binder"));
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
            daemon("scheduler-cache-cleanup"));
    private final CountDownLatch stopped = new CountDownLatch(1);      // close() has begun
    private final CountDownLatch closed = new CountDownLatch(1);       // ... and finished
    private volatile LeaderElector elector;
    private volatile HttpServer http;
    private volatile Thread loop;
    private volatile boolean lostLease;

    private Scheduler(KubeClient client, Options options) {
        this.client = client;
        this.options = options;
        SchedulerConfiguration config = options.configuration();
        for (Framework f : config.frameworks(options.catalog(), new DefaultBinder(client), new Random())) {
            profiles.put(f.schedulerName(), f);
        }
        this.cache = new SchedulerCache(options.clock());
        this.queue = new SchedulingQueue(options.clock(), config.podInitialBackoff(), config.podMaxBackoff(),
                SchedulingQueue.DEFAULT_MAX_IN_UNSCHEDULABLE);
        for (String name : profiles.keySet()) {     // events come "From" the profile's scheduler name
            recorders.put(name, new EventRecorder(client, name, options.identity(), options.clock()));
        }
        SchedulerEvents handlers = new SchedulerEvents(cache, queue, profiles.keySet(), this::forgetNomination);
        this.nodes = new Informer(client, "/api/v1/nodes").addEventHandler(handlers.nodes());
        this.pods = new Informer(client, "/api/v1/pods").addEventHandler(handlers.pods());
    }

    /** Starts a scheduler: the table of contents of kube-scheduler's main, in start-up order. */
    public static Scheduler start(KubeClient client, Options options) throws IOException {
        Scheduler s = new Scheduler(requireNonNull(client, "client"), requireNonNull(options, "options"));
        if (options.port() >= 0) {                                  // /healthz and /metrics answer from the start
            s.http = s.metrics.serve(options.bindAddress(), options.port(), s.queue::pending, () -> !s.lostLease,
                    s::isLeader);
        }
        s.nodes.start();                                            // fill the cache and the queue, leader or not
        s.pods.start();
        SchedulerConfiguration.LeaderElection election = options.configuration().leaderElection();
        if (election.leaderElect()) {                               // only the leader schedules
            s.elector = new LeaderElector(client, new LeaderElector.Config(election.resourceNamespace(),
                    election.resourceName(), options.identity(), election.leaseDuration(), election.renewDeadline(),
                    election.retryPeriod()), options.clock(), new LeaderElector.Callbacks() {
                        @Override
                        public void onStartedLeading() {
                            s.startScheduling();
                        }

                        @Override
                        public void onStoppedLeading() {
                            s.leaseLost();
                        }
                    });
            s.elector.start();
        } else {
            s.startScheduling();
        }
        return s;
    }

    /** The port /metrics and /healthz listen on, or -1. */
    public int port() {
        return http == null ? -1 : http.getAddress().getPort();
    }

    public boolean isLeader() {
        LeaderElector e = elector;
        return e == null ? loop != null : e.isLeader();
    }

    /** Waits until the scheduler has stopped; true if it stopped because it lost its lease. */
    public boolean awaitStop() throws InterruptedException {
        closed.await();
        return lostLease;
    }

    private synchronized void startScheduling() {
        if (loop != null || stopped.getCount() == 0) {
            return;
        }
        loop = new Thread(this::run, "scheduler-loop");
        loop.setDaemon(true);
        loop.start();
    }

    private void run() {
        try {
            while (!nodes.awaitSynced(Duration.ofSeconds(1)) || !pods.awaitSynced(Duration.ofSeconds(1))) {
                if (stopped.getCount() == 0) {
                    return;
                }
            }
            queue.start();                                          // backoff and unschedulable flushing
            housekeeping.scheduleWithFixedDelay(this::cleanupAssumed, 1, 1, TimeUnit.SECONDS);
            LOG.info(() -> "scheduling pods for " + profiles.keySet());
            SchedulingQueue.QueuedPod next;
            while ((next = queue.pop()) != null) {
                scheduleOne(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // tag::schedule-one[]
    /** One pod: the scheduling cycle here, the binding cycle on a pool thread. */
    void scheduleOne(SchedulingQueue.QueuedPod queued) {
        Pod pod = queued.pod();
        Framework profile = profiles.get(pod.schedulerName());
        if (profile == null || pod.terminating() || cache.isAssumed(pod.key())) {
            queue.done(pod.key());
            return;
        }
        long started = System.nanoTime();
        CycleState state = new CycleState();
        try {
            Framework.ScheduleResult result = profile.schedule(state, pod, cache.snapshot());
            cache.assume(pod, result.node());                       // the next cycle sees the space as taken
            Status reserved = profile.reserve(state, pod, result.node());
            if (!reserved.isSuccess()) {
                cache.forget(pod.key());
                throw new IllegalStateException("reserve plugin " + reserved.plugin() + ": "
                        + String.join(", ", reserved.reasons()));
            }
            apiCalls.execute(() -> bind(profile, state, queued, result.node(), started));
        } catch (FitError e) {
            metrics.attempt(profile.schedulerName(), "unschedulable", since(started));
            unschedulable(state, queued, e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "scheduling " + pod.key() + " failed", e);
            metrics.attempt(profile.schedulerName(), "error", since(started));
            failed(queued, "SchedulerError", e.getMessage());
            queue.addBackoff(queued);
        }
    }

    /** The binding cycle: bind through the API; on failure, undo the assumption and back off. */
    private void bind(Framework profile, CycleState state, SchedulingQueue.QueuedPod queued, String node,
            long started) {
        Pod pod = queued.pod();
        Status bound = profile.bind(state, pod, node);
        if (bound.isSuccess()) {
            cache.finishBinding(pod.key());
            queue.done(pod.key());
            metrics.attempt(profile.schedulerName(), "scheduled", since(started));
            events(pod).normal(reference(pod), "Scheduled", "Successfully assigned " + pod.key() + " to " + node);
            return;
        }
        LOG.warning(() -> String.join(", ", bound.reasons()));
        profile.unreserve(state, pod, node);
        cache.forget(pod.key());
        metrics.attempt(profile.schedulerName(), "error", since(started));
        failed(queued, "SchedulerError", String.join(", ", bound.reasons()));
        queue.addBackoff(queued);
    }
    // end::schedule-one[]

    /**
     * No node fits. If preemption made room somewhere, its victims are deleted and the pod
     * nominated there; either way the user reads why, and the pod waits for the cluster to change.
     */
    private void unschedulable(CycleState state, SchedulingQueue.QueuedPod queued, FitError e) {
        Pod pod = queued.pod();
        DefaultPreemption.Candidate chosen = DefaultPreemption.chosen(state);
        if (!e.nominatedNode().isEmpty() && chosen != null) {
            metrics.preemptionAttempt();
            List<Pod> victims = chosen.victims();
            apiCalls.execute(() -> preempt(pod, chosen.node(), victims));
        }
        failed(queued, "Unschedulable", e.getMessage());
        queue.addUnschedulable(queued, e.unschedulablePlugins());
    }

    /** Deletes the victims (they get their grace period) and writes status.nominatedNodeName. */
    private void preempt(Pod preemptor, String node, List<Pod> victims) {
        for (Pod victim : victims) {
            try {
                client.delete("/api/v1/namespaces/" + victim.namespace() + "/pods/" + victim.name());
                events(preemptor).normal(reference(victim), "Preempted", "Preempted by pod " + preemptor.uid()
                        + " on node " + node);
            } catch (RuntimeException e) {
                LOG.warning(() -> "preempting " + victim.key() + ": " + e.getMessage());
            }
        }
        patchStatus(preemptor, Pod.JSON.createObjectNode().put("nominatedNodeName", node));
    }

    /**
     * Tells the user why the pod is not scheduled: a FailedScheduling event and the
     * PodScheduled=False condition (written only when it changed, as kube-scheduler does).
     */
    private void failed(SchedulingQueue.QueuedPod queued, String reason, String message) {
        Pod pod = queued.pod();
        events(pod).warning(reference(pod), "FailedScheduling", message);
        JsonNode current = pods.get(pod.key()).orElse(null);
        for (JsonNode c : current == null ? List.<JsonNode>of() : iterable(current.path("status").path("conditions"))) {
            if (c.path("type").asText().equals("PodScheduled") && c.path("status").asText().equals("False")
                    && c.path("reason").asText().equals(reason) && c.path("message").asText().equals(message)) {
                return;
            }
        }
        ObjectNode status = Pod.JSON.createObjectNode();
        status.putArray("conditions").addObject().put("type", "PodScheduled").put("status", "False")
                .putNull("lastProbeTime")
                .put("lastTransitionTime", options.clock().instant().truncatedTo(ChronoUnit.SECONDS).toString())
                .put("reason", reason).put("message", message);
        apiCalls.execute(() -> patchStatus(pod, status));
    }

    /** A strategic merge patch of pods/NAME/status: conditions merge by type, as kube-scheduler's patch. */
    private void patchStatus(Pod pod, ObjectNode status) {
        ObjectNode patch = Pod.JSON.createObjectNode();
        patch.set("status", status);
        try {
            client.patch("/api/v1/namespaces/" + pod.namespace() + "/pods/" + pod.name() + "/status",
                    KubeClient.PatchType.STRATEGIC_MERGE, patch);
        } catch (RuntimeException e) {   // the pod may be gone; the next attempt writes again
            LOG.fine(() -> "updating the status of " + pod.key() + ": " + e.getMessage());
        }
    }

    private void cleanupAssumed() {
        for (String key : cache.cleanupExpired()) {
            LOG.warning(() -> "assumed pod " + key + " was never reported bound: expired");
        }
    }

    /** The lease was lost: stop at once, before another scheduler takes over. */
    private void leaseLost() {
        if (stopped.getCount() == 0) {
            return;                                                 // we are closing and gave the lease up
        }
        LOG.severe("lost the lease " + options.configuration().leaderElection().resourceName() + ": stopping");
        lostLease = true;
        Thread stopper = new Thread(this::close, "scheduler-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** Stops scheduling, releases the lease, and waits for bindings in flight. */
    @Override
    public void close() {
        boolean first;
        synchronized (this) {
            first = stopped.getCount() > 0;
            stopped.countDown();
        }
        if (!first) {                                               // another thread is closing: wait for it
            try {
                closed.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        queue.close();
        Thread l = loop;
        if (l != null) {
            l.interrupt();
        }
        LeaderElector e = elector;
        if (e != null) {
            e.close();                                              // gives the lease up if we hold it
        }
        nodes.close();
        pods.close();
        housekeeping.shutdownNow();
        apiCalls.shutdown();
        try {
            apiCalls.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        recorders.values().forEach(EventRecorder::close);
        HttpServer h = http;
        if (h != null) {
            h.stop(0);
        }
        closed.countDown();
    }

    // --- helpers ---

    private EventRecorder events(Pod pod) {
        EventRecorder r = recorders.get(pod.schedulerName());
        return r != null ? r : recorders.values().iterator().next();
    }

    /** A pod was bound or deleted: whatever preemption nominated for it is done. */
    private void forgetNomination(String key) {
        for (Framework f : profiles.values()) {
            for (Plugin.PostFilter p : f.points().postFilter()) {
                if (p instanceof DefaultPreemption d) {
                    d.forget(key);
                }
            }
        }
    }

    /** The pod as an Event's involvedObject needs it. */
    private static ObjectNode reference(Pod pod) {
        ObjectNode ref = Pod.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        ref.putObject("metadata").put("name", pod.name()).put("namespace", pod.namespace()).put("uid", pod.uid())
                .put("resourceVersion", pod.resourceVersion());
        return ref;
    }

    private static Iterable<JsonNode> iterable(JsonNode array) {
        return array::elements;
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** kube-scheduler's identity: the host name and a unique suffix, so two copies on one host differ. */
    static String defaultIdentity() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + "_" + UUID.randomUUID();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
