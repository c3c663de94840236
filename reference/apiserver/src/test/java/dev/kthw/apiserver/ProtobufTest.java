package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ApiException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Protobuf request bodies (chapter 01, Encodings): kubectl 1.32+ sends {@code kubectl
 * create ...} as {@code application/vnd.kubernetes.protobuf}; the decoder turns the
 * envelope into the JSON tree a JSON body would give. The bodies are encoded by hand
 * here, field by field, with the numbers of Kubernetes' generated.proto.
 */
class ProtobufTest {

    /** What kubectl 1.32 sends for {@code kubectl create namespace pb1}, captured on the wire. */
    static final String KUBECTL_CREATE_NAMESPACE = "6b3873000a0f0a02763112094e616d657370616365121b0a130a0370623112001a"
            + "0022002a0032003800420012001a020a001a002200";

    @Test
    void decodesWhatKubectlSendsForCreateNamespace() {
        ObjectNode ns = decode("io.k8s.api.core.v1.Namespace", HexFormat.of().parseHex(KUBECTL_CREATE_NAMESPACE));

        // empty strings, zero numbers are left out as JSON's omitempty would; the zero Time is null
        assertThat(ns.toString()).isEqualTo("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":"
                + "\"pb1\",\"creationTimestamp\":null},\"spec\":{},\"status\":{}}");
    }

    @Test
    void mapsAreRepeatedEntriesAndBytesBecomeBase64() {
        byte[] meta = concat(str(1, "settings"), entry(11, "app", "web"));
        byte[] configMap = concat(sub(1, meta), entry(2, "color", "blue"), entry(2, "size", "L"),
                sub(3, concat(str(1, "blob"), bytes(2, new byte[] {0, 1, 2, (byte) 0xff}))), varint(4, 0));

        ObjectNode cm = decode("io.k8s.api.core.v1.ConfigMap", envelope("v1", "ConfigMap", configMap));

        assertThat(cm.at("/metadata/labels/app").asText()).isEqualTo("web");
        assertThat(cm.get("data").toString()).isEqualTo("{\"color\":\"blue\",\"size\":\"L\"}");
        assertThat(cm.at("/binaryData/blob").asText()).isEqualTo("AAEC/w==");
        // immutable is a pointer in Go: an explicit false is a value and stays
        assertThat(cm.get("immutable").asBoolean(true)).isFalse();
    }

    @Test
    void aDeploymentKeepsExplicitZeroReplicasAndDecodesIntOrStringAndTime() {
        byte[] container = concat(str(1, "web"), str(2, "nginx"),
                sub(6, concat(str(1, ""), varint(2, 0), varint(3, 80), str(4, "TCP"))), varint(16, 0));
        byte[] template = concat(sub(1, concat(entry(11, "app", "web"), sub(8, new byte[0]))),
                sub(2, sub(2, container)));
        byte[] rolling = concat(sub(1, concat(varint(1, 1), str(3, "25%"))), sub(2, concat(varint(1, 0),
                varint(2, 2))));
        byte[] spec = concat(varint(1, 0), sub(2, entry(1, "app", "web")), sub(3, template),
                sub(4, concat(str(1, "RollingUpdate"), sub(2, rolling))), varint(5, 0));
        byte[] meta = concat(str(1, "web"), sub(8, concat(varint(1, 1_700_000_000L), varint(2, 5))));

        ObjectNode d = decode("io.k8s.api.apps.v1.Deployment", envelope("apps/v1", "Deployment",
                concat(sub(1, meta), sub(2, spec))));

        assertThat(d.at("/spec/replicas").isInt()).as("replicas 0 is kept: it is a pointer; %s", d).isTrue();
        assertThat(d.at("/spec/replicas").asInt()).isZero();
        assertThat(d.at("/spec").has("minReadySeconds")).as("plain zero is dropped").isFalse();
        assertThat(d.at("/metadata/creationTimestamp").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(d.at("/spec/strategy/rollingUpdate/maxUnavailable").asText()).isEqualTo("25%");
        assertThat(d.at("/spec/strategy/rollingUpdate/maxSurge").asInt()).isEqualTo(2);
        JsonNode c = d.at("/spec/template/spec/containers/0");
        assertThat(c.toString()).isEqualTo("{\"name\":\"web\",\"image\":\"nginx\",\"ports\":[{\"containerPort\":80,"
                + "\"protocol\":\"TCP\"}]}");
        assertThat(d.at("/spec/template/metadata/creationTimestamp").isNull()).isTrue();
    }

    @Test
    void inlineFieldsLandInTheirParent() {
        // Volume.volumeSource (2) is inlined in JSON, and so is ConfigMapVolumeSource.localObjectReference (1)
        byte[] volume = concat(str(1, "config"), sub(2, sub(19, sub(1, str(1, "settings")))));
        byte[] pod = concat(sub(1, str(1, "p")), sub(2, sub(1, volume)));

        ObjectNode p = decode("io.k8s.api.core.v1.Pod", envelope("v1", "Pod", pod));

        assertThat(p.at("/spec/volumes/0").toString())
                .isEqualTo("{\"name\":\"config\",\"configMap\":{\"name\":\"settings\"}}");
    }

    @Test
    void unknownFieldNumbersAreSkippedAsKubernetesDoes() {
        byte[] sa = concat(sub(1, str(1, "robot")), str(99, "from a newer kubectl"), varint(4, 1));

        ObjectNode s = decode("io.k8s.api.core.v1.ServiceAccount", envelope("v1", "ServiceAccount", sa));

        assertThat(s.toString()).isEqualTo("{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":"
                + "{\"name\":\"robot\"},\"automountServiceAccountToken\":true}");
    }

    @Test
    void brokenBodiesAre400sNeverCrashes() {
        String ns = "io.k8s.api.core.v1.Namespace";
        assertBadRequest(ns, "{\"kind\":\"Namespace\"}".getBytes(StandardCharsets.UTF_8), "magic bytes");
        byte[] valid = HexFormat.of().parseHex(KUBECTL_CREATE_NAMESPACE);
        assertBadRequest(ns, java.util.Arrays.copyOf(valid, valid.length - 3), "runs past the end");
        // metadata.name (1) sent as a number: wrong wire type
        assertBadRequest(ns, envelope("v1", "Namespace", sub(1, varint(1, 7))), "wire type");
        assertBadRequest(ns, concat(new byte[] {'k', '8', 's', 0}, str(3, "gzip"), sub(2, new byte[0])),
                "content encoding gzip");
        assertBadRequest(ns, concat(new byte[] {'k', '8', 's', 0}, new byte[] {(byte) 0xff, (byte) 0xff}),
                "runs past the end");
    }

    private static void assertBadRequest(String type, byte[] body, String message) {
        assertThatThrownBy(() -> Protobuf.decode(body, ApiTypes.type(type)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.status().reason()).isEqualTo("BadRequest");
                })
                .hasMessageContaining(message);
    }

    private static ObjectNode decode(String type, byte[] body) {
        return Protobuf.decode(body, ApiTypes.type(type));
    }

    // --- a tiny protobuf encoder: tag = field number << 3 | wire type ---

    static byte[] envelope(String apiVersion, String kind, byte[] raw) {
        return concat(new byte[] {'k', '8', 's', 0}, sub(1, concat(str(1, apiVersion), str(2, kind))), sub(2, raw),
                str(3, ""), str(4, ""));
    }

    static byte[] varint(int field, long value) {
        return concat(rawVarint((long) field << 3), rawVarint(value));
    }

    static byte[] str(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bytes(int field, byte[] value) {
        return concat(rawVarint((long) field << 3 | 2), rawVarint(value.length), value);
    }

    static byte[] sub(int field, byte[] message) {
        return bytes(field, message);
    }

    static byte[] entry(int field, String key, String value) {
        return sub(field, concat(str(1, key), str(2, value)));
    }

    static byte[] rawVarint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((value & ~0x7fL) != 0) {
            out.write((int) (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
