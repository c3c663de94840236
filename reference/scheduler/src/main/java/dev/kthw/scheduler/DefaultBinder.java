package dev.kthw.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.client.KubeClient;
import java.util.Objects;

/**
 * kube-scheduler's DefaultBinder: tells the API server where the pod goes by posting a
 * {@code Binding} to {@code pods/NAME/binding}. The API server sets spec.nodeName, once;
 * binding an already bound pod is a 409 Conflict. The binding names the pod's uid, so a
 * pod deleted and created again under the same name is not bound by mistake.
 */
final class DefaultBinder implements Plugin.Bind {

    private final KubeClient client;

    DefaultBinder(KubeClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public String name() {
        return SchedulerConfiguration.DEFAULT_BINDER;
    }

    @Override
    public Status bind(CycleState state, Pod pod, String nodeName) {
        ObjectNode binding = Pod.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Binding");
        ObjectNode meta = binding.putObject("metadata").put("name", pod.name()).put("namespace", pod.namespace());
        if (!pod.uid().isEmpty()) {
            meta.put("uid", pod.uid());
        }
        binding.putObject("target").put("apiVersion", "v1").put("kind", "Node").put("name", nodeName);
        try {
            client.post("/api/v1/namespaces/" + pod.namespace() + "/pods/" + pod.name() + "/binding", binding);
            return Status.SUCCESS;
        } catch (RuntimeException e) {   // ApiException (refused) or ServerUnreachableException (no answer)
            return Status.error("binding " + pod.key() + " to " + nodeName + ": " + e.getMessage());
        }
    }
}
