package dev.kthw.apiserver;

import static dev.kthw.apiserver.ApiServerHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kthw.store.ForwardingStorage;
import dev.kthw.store.MemoryStorage;
import dev.kthw.store.Storage;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Services get cluster IPs and node ports from the API server (chapter 01, Services), as
 * kube-apiserver's allocators hand them out: a free one from the range, or the one asked for
 * if it is in the range and free; released on delete; immutable on update; and known again
 * by an API server restarted over the same store.
 */
class ServiceAllocationHttpTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SERVICES = "/api/v1/namespaces/default/services";

    final MemoryStorage store = new MemoryStorage();
    ApiServer server = start(new ApiServer.Config("127.0.0.1", 0, "/registry"));

    @AfterEach
    void stop() {
        server.close();
        store.close();
    }

    /** An API server over {@link #store} that leaves the store open when it stops, as a restart would. */
    ApiServer start(ApiServer.Config config) {
        return ApiServer.start(config, new KeepOpen(store), Clock.systemUTC());
    }

    RawHttp.Reply call(String method, String path, String body) throws Exception {
        return RawHttp.send(server, method, path, "application/json", body);
    }

    static String service(String name, String specFields) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{"
                + specFields + (specFields.isEmpty() ? "" : ",")
                + "\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80,\"targetPort\":8080}]}}";
    }

    RawHttp.Reply create(String name, String specFields) throws Exception {
        return call("POST", SERVICES, service(name, specFields));
    }

    @Test
    void eachServiceGetsItsOwnClusterIPFromTheRange() throws Exception {
        Set<String> ips = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            JsonNode spec = create("web-" + i, "").body().get("spec");
            String ip = spec.get("clusterIP").asText();
            assertThat(ip).startsWith("10.");
            long address = Ipv4Range.parseIP(ip);
            assertThat(address >> 20).as("inside 10.96.0.0/12").isEqualTo(Ipv4Range.parseIP("10.96.0.0") >> 20);
            assertThat(address & 0xFFFFF).as("above the band kept for static IPs").isGreaterThanOrEqualTo(256);
            assertThat(spec.get("clusterIPs").toString()).isEqualTo("[\"" + ip + "\"]");
            assertThat(spec.get("ipFamilies").toString()).isEqualTo("[\"IPv4\"]");
            assertThat(spec.get("ipFamilyPolicy").asText()).isEqualTo("SingleStack");
            ips.add(ip);
        }
        assertThat(ips).hasSize(20);
    }

    @Test
    void aRequestedClusterIPIsHonouredIfFreeAndInRange() throws Exception {
        assertThat(create("dns", "\"clusterIP\":\"10.96.0.10\"").body().at("/spec/clusterIPs/0").asText())
                .isEqualTo("10.96.0.10");

        RawHttp.Reply taken = create("dns2", "\"clusterIP\":\"10.96.0.10\"");
        assertStatus(taken, 422, "Invalid", "Service \"dns2\" is invalid: spec.clusterIPs: Invalid value: "
                + "[]string{\"10.96.0.10\"}: failed to allocate IP 10.96.0.10: provided IP is already allocated");
        assertThat(taken.body().at("/details/causes/0/field").asText()).isEqualTo("spec.clusterIPs");
        assertStatus(create("far", "\"clusterIP\":\"192.168.0.1\""), 422, "Invalid",
                "failed to allocate IP 192.168.0.1: the provided IP (192.168.0.1) is not in the valid range. "
                        + "The range of valid IPs is 10.96.0.0/12");
        assertStatus(create("bad", "\"clusterIP\":\"10.96.0.300\""), 422, "Invalid",
                "spec.clusterIPs[0]: Invalid value: \"10.96.0.300\": must be a valid IP address");
        for (String refused : new String[] {"dns2", "far", "bad"}) {
            assertThat(call("GET", SERVICES + "/" + refused, null).code()).as("refused: nothing stored").isEqualTo(404);
        }
    }

    @Test
    void aHeadlessServiceHasNoClusterIPAndAnExternalNameNoFamilies() throws Exception {
        JsonNode headless = create("db", "\"clusterIP\":\"None\"").body().get("spec");
        assertThat(headless.get("clusterIPs").toString()).isEqualTo("[\"None\"]");
        JsonNode external = call("POST", SERVICES, "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":"
                + "{\"name\":\"ext\"},\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"example.com\"}}").body();
        assertThat(external.get("spec").has("clusterIP")).isFalse();
        assertThat(external.get("spec").has("ipFamilies")).isFalse();
    }

    @Test
    void deletingAServiceReleasesItsClusterIP() throws Exception {
        create("a", "\"clusterIP\":\"10.96.0.20\"");
        assertThat(call("DELETE", SERVICES + "/a", null).code()).isEqualTo(200);

        assertThat(create("b", "\"clusterIP\":\"10.96.0.20\"").code()).isEqualTo(201);
    }

    @Test
    void theClusterIPIsImmutableButAReplaceWithoutItKeepsIt() throws Exception {
        String ip = create("web", "").body().at("/spec/clusterIP").asText();

        JsonNode kept = call("PUT", SERVICES + "/web", service("web", "\"sessionAffinity\":\"ClientIP\"")).body();
        assertThat(kept.at("/spec/clusterIP").asText()).isEqualTo(ip);
        assertThat(kept.at("/spec/clusterIPs/0").asText()).isEqualTo(ip);

        RawHttp.Reply changed = call("PUT", SERVICES + "/web", service("web", "\"clusterIP\":\"10.96.0.30\""));
        assertStatus(changed, 422, "Invalid", "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.30\"}: "
                + "may not change once set");
        assertThat(call("GET", SERVICES + "/web", null).body().at("/spec/clusterIP").asText()).isEqualTo(ip);
    }

    @Test
    void nodePortServicesGetAPortPerServicePort() throws Exception {
        JsonNode spec = create("np", "\"type\":\"NodePort\"").body().get("spec");
        int nodePort = spec.at("/ports/0/nodePort").asInt();
        assertThat(nodePort).isBetween(30000, 32767);
        assertThat(spec.get("externalTrafficPolicy").asText()).isEqualTo("Cluster");

        String fixed = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"NAME\"},\"spec\":"
                + "{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":PORT}]}}";
        assertStatus(call("POST", SERVICES, fixed.replace("NAME", "low").replace("PORT", "80")), 422, "Invalid",
                "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. "
                        + "The range of valid ports is 30000-32767");
        assertStatus(call("POST", SERVICES, fixed.replace("NAME", "dup").replace("PORT", "" + nodePort)), 422,
                "Invalid", "spec.ports[0].nodePort: Invalid value: " + nodePort + ": provided port is already allocated");

        // Back to ClusterIP: the node port goes, and is free again.
        JsonNode back = call("PUT", SERVICES + "/np", service("np", "\"type\":\"ClusterIP\"")).body();
        assertThat(back.at("/spec/ports/0").has("nodePort")).isFalse();
        assertThat(call("POST", SERVICES, fixed.replace("NAME", "dup").replace("PORT", "" + nodePort)).code())
                .isEqualTo(201);
    }

    @Test
    void aClusterIPServiceMayNotAskForANodePort() throws Exception {
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"c\"},\"spec\":"
                + "{\"ports\":[{\"port\":80,\"nodePort\":30080}]}}";
        assertStatus(call("POST", SERVICES, body), 422, "Invalid",
                "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
    }

    @Test
    void anAPIServerRestartedOverTheSameStoreKnowsWhatIsTaken() throws Exception {
        create("dns", "\"clusterIP\":\"10.96.0.10\",\"type\":\"NodePort\"");
        int nodePort = call("GET", SERVICES + "/dns", null).body().at("/spec/ports/0/nodePort").asInt();
        server.close();

        server = start(new ApiServer.Config("127.0.0.1", 0, "/registry"));

        assertStatus(create("again", "\"clusterIP\":\"10.96.0.10\""), 422, "Invalid", "provided IP is already allocated");
        String fixed = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"p\"},\"spec\":"
                + "{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":" + nodePort + "}]}}";
        assertStatus(call("POST", SERVICES, fixed), 422, "Invalid", "provided port is already allocated");
    }

    @Test
    void theRangesAreConfigurable() throws Exception {
        server.close();
        server = start(new ApiServer.Config("127.0.0.1", 0, "/registry", "10.0.0.0/29", "30000-30001",
                java.time.Duration.ofMinutes(5), java.time.Duration.ofHours(1)));

        Set<String> ips = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            ips.add(create("s" + i, "").body().at("/spec/clusterIP").asText());
        }
        assertThat(ips).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5",
                "10.0.0.6");
        assertStatus(create("full", ""), 500, "InternalError", "failed to allocate a serviceIP: range is full");
        assertThat(call("GET", SERVICES + "/full", null).code()).isEqualTo(404);
    }

    /** The store of a previous API server: stopping the server must not close it. */
    static final class KeepOpen extends ForwardingStorage {
        KeepOpen(Storage store) {
            super(store);
        }

        @Override
        public void close() {
        }
    }
}
