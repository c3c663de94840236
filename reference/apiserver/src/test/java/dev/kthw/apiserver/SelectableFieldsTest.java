package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The fields kube-apiserver lets a field selector name, kind by kind (its field-label
 * conversions in pkg/apis/core/v1/conversion.go and the registry strategies' selectable
 * fields), their values for real-looking objects, and the messages for the others.
 */
class SelectableFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> META = Set.of("metadata.name", "metadata.namespace");

    /** Every served kind, by plural, and the fields a selector on it may name. */
    private static final Map<String, Set<String>> EXPECTED = Map.ofEntries(
            Map.entry("pods", union(META, "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                    "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
                    "status.nominatedNodeName")),
            Map.entry("events", union(META, "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                    "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                    "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type")),
            Map.entry("nodes", Set.of("metadata.name", "spec.unschedulable")),
            Map.entry("namespaces", Set.of("metadata.name", "status.phase")),
            Map.entry("services", union(META, "spec.clusterIP", "spec.type")),
            Map.entry("secrets", union(META, "type")),
            Map.entry("replicasets", META),
            Map.entry("endpoints", META),
            Map.entry("configmaps", META),
            Map.entry("serviceaccounts", META),
            Map.entry("persistentvolumes", META),
            Map.entry("persistentvolumeclaims", META),
            Map.entry("deployments", META),
            Map.entry("daemonsets", META),
            Map.entry("leases", META),
            Map.entry("endpointslices", META),
            Map.entry("priorityclasses", META));

    // --- which fields -------------------------------------------------------------------

    @Test
    void everyServedKindOffersTheFieldsKubeApiserverOffers() {
        // Adding a kind to Resources without deciding its fields fails here.
        assertThat(Resources.all()).extracting(ResourceType::plural)
                .containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
        for (ResourceType type : Resources.all()) {
            assertThat(SelectableFields.supported(type)).as(type.plural())
                    .containsExactlyInAnyOrderElementsOf(EXPECTED.get(type.plural()));
        }
    }

    @Test
    void everySupportedFieldHasAValueForEveryKindEvenOnAnEmptyObject() {
        for (ResourceType type : Resources.all()) {
            Map<String, String> values = SelectableFields.of(type, JSON.createObjectNode());

            assertThat(values.keySet()).as(type.plural()).isEqualTo(SelectableFields.supported(type));
        }
    }

    // --- values -------------------------------------------------------------------------

    @Test
    void podFieldsAreReadFromTheObject() {
        ObjectNode pod = json("""
                {"metadata": {"name": "web-0", "namespace": "shop"},
                 "spec": {"nodeName": "node-1", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                          "serviceAccountName": "default", "hostNetwork": true},
                 "status": {"phase": "Running", "podIP": "10.0.1.5", "nominatedNodeName": "node-2"}}""");

        assertThat(SelectableFields.of(type("pods"), pod)).containsOnly(
                entry("metadata.name", "web-0"), entry("metadata.namespace", "shop"),
                entry("spec.nodeName", "node-1"), entry("spec.restartPolicy", "Always"),
                entry("spec.schedulerName", "default-scheduler"), entry("spec.serviceAccountName", "default"),
                entry("spec.hostNetwork", "true"), entry("status.phase", "Running"),
                entry("status.podIP", "10.0.1.5"), entry("status.podIPs", ""),
                entry("status.nominatedNodeName", "node-2"));
    }

    @Test
    void absentStringsAreEmptyAndAbsentBooleansAreFalse() {
        // Go's zero values: a pod that never set hostNetwork reads as "false", not "".
        Map<String, String> values = SelectableFields.of(type("pods"), json("{\"metadata\": {\"name\": \"p\"}}"));

        assertThat(values).contains(entry("spec.nodeName", ""), entry("status.phase", ""),
                entry("metadata.namespace", ""), entry("spec.hostNetwork", "false"));
    }

    @Test
    void aPodWithOnlyPodIPsHasItsFirstAddressAsPodIP() {
        ObjectNode pod = json("{\"status\": {\"podIPs\": [{\"ip\": \"10.0.1.5\"}, {\"ip\": \"fd00::5\"}]}}");

        assertThat(SelectableFields.of(type("pods"), pod)).contains(entry("status.podIP", "10.0.1.5"));
    }

    @Test
    void aNodeThatNeverSetUnschedulableIsSchedulable() {
        // kubectl get nodes --field-selector spec.unschedulable=false lists such nodes.
        ResourceType nodes = type("nodes");

        assertThat(SelectableFields.of(nodes, json("{\"metadata\": {\"name\": \"node-1\"}}")))
                .containsOnly(entry("metadata.name", "node-1"), entry("spec.unschedulable", "false"));
        assertThat(SelectableFields.of(nodes, json("{\"spec\": {\"unschedulable\": true}}")))
                .contains(entry("spec.unschedulable", "true"));
    }

    @Test
    void eventFieldsIncludeTheInvolvedObject() {
        ObjectNode event = json("""
                {"metadata": {"name": "web-0.17a", "namespace": "shop"},
                 "involvedObject": {"kind": "Pod", "namespace": "shop", "name": "web-0", "uid": "u-1",
                                    "apiVersion": "v1", "resourceVersion": "42", "fieldPath": "spec.containers{web}"},
                 "reason": "Pulled", "type": "Normal", "source": {"component": "kubelet", "host": "node-1"},
                 "reportingComponent": "kubelet"}""");

        assertThat(SelectableFields.of(type("events"), event)).containsOnly(
                entry("metadata.name", "web-0.17a"), entry("metadata.namespace", "shop"),
                entry("involvedObject.kind", "Pod"), entry("involvedObject.namespace", "shop"),
                entry("involvedObject.name", "web-0"), entry("involvedObject.uid", "u-1"),
                entry("involvedObject.apiVersion", "v1"), entry("involvedObject.resourceVersion", "42"),
                entry("involvedObject.fieldPath", "spec.containers{web}"), entry("reason", "Pulled"),
                entry("reportingComponent", "kubelet"), entry("source", "kubelet"), entry("type", "Normal"));
    }

    @Test
    void anEventWithoutSourceComponentTakesItsSourceFromTheReportingComponent() {
        // What the event strategy does for events written through events.k8s.io.
        ObjectNode event = json("{\"reportingComponent\": \"default-scheduler\"}");

        assertThat(SelectableFields.of(type("events"), event)).contains(entry("source", "default-scheduler"));
    }

    @Test
    void namespaceSecretServiceAndReplicaSetFields() {
        assertThat(SelectableFields.of(type("namespaces"),
                json("{\"metadata\": {\"name\": \"shop\"}, \"status\": {\"phase\": \"Terminating\"}}")))
                .containsOnly(entry("metadata.name", "shop"), entry("status.phase", "Terminating"));
        assertThat(SelectableFields.of(type("secrets"), json("{\"type\": \"kubernetes.io/tls\"}")))
                .contains(entry("type", "kubernetes.io/tls"));
        assertThat(SelectableFields.of(type("services"),
                json("{\"spec\": {\"clusterIP\": \"None\", \"type\": \"ClusterIP\"}}")))
                .contains(entry("spec.clusterIP", "None"), entry("spec.type", "ClusterIP"));
        // apps/v1 ReplicaSets never registered status.replicas: a real cluster rejects it.
        assertThat(SelectableFields.supported(type("replicasets"))).doesNotContain("status.replicas");
    }

    @Test
    void defaultKindsOfferNameAndNamespaceAndClusterScopedOnesHaveAnEmptyNamespace() {
        assertThat(SelectableFields.of(type("configmaps"), json("{\"metadata\": {\"name\": \"c\", \"namespace\": \"ns\"}}")))
                .containsOnly(entry("metadata.name", "c"), entry("metadata.namespace", "ns"));
        assertThat(SelectableFields.of(type("persistentvolumes"), json("{\"metadata\": {\"name\": \"pv-1\"}}")))
                .containsOnly(entry("metadata.name", "pv-1"), entry("metadata.namespace", ""));
    }

    @Test
    void aParsedSelectorMatchesAgainstTheFieldsOfAnObject() {
        // The kubelet's watch: kubectl get pods --field-selector spec.nodeName=node-1
        ObjectNode pod = json("{\"metadata\": {\"name\": \"web-0\"}, \"spec\": {\"nodeName\": \"node-1\"}}");
        FieldSelector onNode1 = FieldSelector.parse("spec.nodeName=node-1,spec.hostNetwork=false");

        SelectableFields.check(type("pods"), onNode1);
        assertThat(onNode1.matches(SelectableFields.of(type("pods"), pod))).isTrue();
    }

    // --- check ----------------------------------------------------------------------------

    @Test
    void checkAcceptsEverySupportedFieldOfEveryKind() {
        for (ResourceType type : Resources.all()) {
            String selector = SelectableFields.supported(type).stream()
                    .map(field -> field + "=x").collect(Collectors.joining(","));

            assertThatCode(() -> SelectableFields.check(type, FieldSelector.parse(selector)))
                    .as(type.plural()).doesNotThrowAnyException();
        }
    }

    @Test
    void kindsWithTheirOwnConversionSayFieldLabelNotSupported() {
        assertThatThrownBy(() -> SelectableFields.check(type("pods"), FieldSelector.parse("spec.foo=bar")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field label not supported: spec.foo");
        // Node's conversion knows no metadata.namespace: nodes are not in a namespace.
        assertThatThrownBy(() -> SelectableFields.check(type("nodes"), FieldSelector.parse("metadata.namespace=")))
                .hasMessage("field label not supported: metadata.namespace");
    }

    @Test
    void otherKindsGiveApimachinerysDefaultMessage() {
        // The wording the Kubernetes docs show for kubectl get ingress --field-selector foo.bar=baz.
        assertThatThrownBy(() -> SelectableFields.check(type("configmaps"), FieldSelector.parse("foo.bar=baz")))
                .hasMessage("\"foo.bar\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
    }

    @Test
    void aSpaceAfterACommaMakesAnUnsupportedField() {
        assertThatThrownBy(() -> SelectableFields.check(type("pods"),
                FieldSelector.parse("status.phase=Running, spec.nodeName=node-1")))
                .hasMessage("field label not supported:  spec.nodeName");
    }

    @Test
    void anEmptySelectorPassesCheckForAnyKind() {
        for (ResourceType type : Resources.all()) {
            assertThatCode(() -> SelectableFields.check(type, FieldSelector.parse(""))).doesNotThrowAnyException();
        }
    }

    // --- helpers --------------------------------------------------------------------------

    private static ResourceType type(String plural) {
        return Resources.all().stream().filter(t -> t.plural().equals(plural)).findFirst().orElseThrow();
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new HashSet<>(base);
        all.addAll(Set.of(more));
        return Set.copyOf(all);
    }
}
