package dev.kthw.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kthw.client.EventHandler;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the scheduler does with each informer event, as kube-scheduler's
 * {@code eventhandlers.go}: pods bound to a node go to the cache, pending pods of our
 * scheduler names go to the queue, and every change that may make room (a node added, a
 * pod deleted) moves the unschedulable pods it may help back into play.
 *
 * <p>Handlers run on the informers' threads, one event at a time per informer; the cache
 * and the queue are thread-safe. Finished pods (Succeeded, Failed) hold no resources and
 * leave the cache as if deleted.
 */
final class SchedulerEvents {

    private final SchedulerCache cache;
    private final SchedulingQueue queue;
    private final Set<String> schedulerNames;
    private final Consumer<String> podGone;

    /**
     * @param podGone told the key of each pod that was bound or deleted (preemption forgets its nomination)
     */
    SchedulerEvents(SchedulerCache cache, SchedulingQueue queue, Set<String> schedulerNames,
            Consumer<String> podGone) {
        this.cache = cache;
        this.queue = queue;
        this.schedulerNames = Set.copyOf(schedulerNames);
        this.podGone = podGone;
    }

    EventHandler nodes() {
        return new EventHandler() {
            @Override
            public void onAdd(JsonNode object) {
                cache.addNode(Node.from(object));
                queue.moveAllToActiveOrBackoff(SchedulingQueue.Event.NODE_ADD);
            }

            @Override
            public void onUpdate(JsonNode old, JsonNode now) {
                Node before = Node.from(old);
                Node after = Node.from(now);
                if (!before.equals(after)) {        // a heartbeat changes nothing the scheduler reads
                    cache.updateNode(after);
                    queue.moveAllToActiveOrBackoff(SchedulingQueue.Event.NODE_UPDATE);
                }
            }

            @Override
            public void onDelete(JsonNode last) {
                cache.removeNode(last.path("metadata").path("name").asText());
            }
        };
    }

    EventHandler pods() {
        return new EventHandler() {
            @Override
            public void onAdd(JsonNode object) {
                Pod pod = Pod.from(object);
                if (pod.isBound()) {
                    addBound(pod, object);
                } else if (ours(pod)) {
                    queue.add(pod);
                }
            }

            @Override
            public void onUpdate(JsonNode old, JsonNode now) {
                Pod before = Pod.from(old);
                Pod pod = Pod.from(now);
                if (pod.isBound()) {
                    if (!before.isBound()) {
                        queue.delete(pod.key());     // bound, by us or by someone else
                        addBound(pod, now);
                    } else if (finished(now)) {
                        removeBound(pod.key());
                    } else {
                        cache.updatePod(pod);
                        queue.moveAllToActiveOrBackoff(SchedulingQueue.Event.ASSIGNED_POD_UPDATE);
                    }
                } else if (!ours(pod)) {
                    queue.delete(pod.key());
                } else if (!cache.isAssumed(pod.key())) {  // assumed: being bound, let the binding finish
                    queue.update(pod);
                }
            }

            @Override
            public void onDelete(JsonNode last) {
                Pod pod = Pod.from(last);
                podGone.accept(pod.key());
                if (pod.isBound()) {
                    removeBound(pod.key());
                } else {
                    queue.delete(pod.key());
                }
            }
        };
    }

    private void addBound(Pod pod, JsonNode object) {
        podGone.accept(pod.key());
        if (finished(object)) {
            return;
        }
        cache.addPod(pod);
        queue.moveAllToActiveOrBackoff(SchedulingQueue.Event.ASSIGNED_POD_ADD);
    }

    private void removeBound(String key) {
        cache.removePod(key);
        queue.moveAllToActiveOrBackoff(SchedulingQueue.Event.ASSIGNED_POD_DELETE);
    }

    /** A pending pod this scheduler should place: one of our names, and not on its way out. */
    private boolean ours(Pod pod) {
        return schedulerNames.contains(pod.schedulerName()) && !pod.terminating();
    }

    private static boolean finished(JsonNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return phase.equals("Succeeded") || phase.equals("Failed");
    }
}
