package dev.kthw.client;

import static dev.kthw.client.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.apiserver.ApiServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Leader election on a real Lease in a real API server: one leader at a time, a fast
 * hand-over on release, and a takeover only after a silent leader has stopped leading
 * (chapter 03, "Running two schedulers").
 */
class LeaderElectorTest {

    static final String LEASE = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kthw-scheduler";
    static final Duration WAIT = Duration.ofSeconds(10);

    final ApiServer server = Fixtures.apiServer(1000);
    final KubeClient client = new KubeClient(server.url(), "test");
    final List<String> history = new ArrayList<>();   // callbacks, in the order they happened
    final List<LeaderElector> electors = new ArrayList<>();
    TcpProxy proxy;

    @AfterEach
    void stop() {
        electors.forEach(LeaderElector::close);
        if (proxy != null) {
            proxy.close();
        }
        server.close();
    }

    /** A candidate with short durations: lease 1 s, renew deadline 0.7 s, retry every 0.1 s. */
    LeaderElector candidate(String identity, KubeClient through) {
        LeaderElector.Config config = LeaderElector.Config.of("kube-system", "kthw-scheduler", identity)
                .withDurations(Duration.ofSeconds(1), Duration.ofMillis(700), Duration.ofMillis(100));
        LeaderElector elector = new LeaderElector(through, config, Clock.systemUTC(), new LeaderElector.Callbacks() {
            @Override
            public void onStartedLeading() {
                record(identity + " started leading");
            }

            @Override
            public void onStoppedLeading() {
                record(identity + " stopped leading");
            }
        });
        electors.add(elector);
        return elector;
    }

    synchronized void record(String line) {
        history.add(line);
    }

    synchronized List<String> history() {
        return new ArrayList<>(history);
    }

    @Test
    void ofTwoCandidatesExactlyOneLeadsAndTheOtherTakesOverWhenItReleases() throws Exception {
        LeaderElector a = candidate("a", client);
        LeaderElector b = candidate("b", client);
        a.start();
        b.start();
        assertThat(eventually(WAIT, () -> a.isLeader() || b.isLeader())).isTrue();
        LeaderElector leader = a.isLeader() ? a : b;
        LeaderElector standby = leader == a ? b : a;

        Instant until = Instant.now().plusMillis(1500);   // longer than the lease: the leader must renew it
        while (Instant.now().isBefore(until)) {
            assertThat(a.isLeader() && b.isLeader()).as("two leaders at once").isFalse();
            assertThat(leader.isLeader()).as("the leader keeps its lease by renewing it").isTrue();
            Thread.sleep(20);
        }
        Instant released = Instant.now();
        leader.release();

        assertThat(eventually(WAIT, standby::isLeader)).isTrue();
        assertThat(Duration.between(released, Instant.now())).as("a release hands over before the lease would expire")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(leader.isLeader()).isFalse();
        JsonNode spec = client.get(LEASE).path("spec");
        String standbyName = standby == a ? "a" : "b";
        String leaderName = leader == a ? "a" : "b";
        assertThat(spec.path("holderIdentity").asText()).isEqualTo(standbyName);
        assertThat(spec.path("leaseTransitions").asInt()).as("created by one, taken by the other").isEqualTo(1);
        assertThat(history()).containsExactly(leaderName + " started leading", leaderName + " stopped leading",
                standbyName + " started leading");
    }

    @Test
    void aLeaderThatCannotRenewStopsLeadingBeforeTheStandbyTakesOver() throws Exception {
        proxy = new TcpProxy(server.port());
        LeaderElector a = candidate("a", new KubeClient(proxy.url(), "test"));
        a.start();
        assertThat(eventually(WAIT, a::isLeader)).isTrue();
        LeaderElector b = candidate("b", client);
        b.start();
        assertThat(eventually(WAIT, () -> b.leader().equals("a"))).as("b has read the lease").isTrue();
        assertThat(b.isLeader()).isFalse();

        proxy.cut();   // a can no longer reach the API server: it cannot renew, and cannot say so

        assertThat(eventually(WAIT, b::isLeader)).isTrue();
        assertThat(a.isLeader()).isFalse();
        assertThat(history()).as("a stopped before b started: never two leaders")
                .containsExactly("a started leading", "a stopped leading", "b started leading");
    }

    @Test
    void anExpiredLeaseIsTakenAndAValidOneIsNot() throws Exception {
        Instant ghostRenewed = Instant.now();
        ObjectNode lease = KubeClient.JSON.createObjectNode().put("apiVersion", "coordination.k8s.io/v1")
                .put("kind", "Lease");
        lease.putObject("metadata").put("name", "kthw-scheduler");
        lease.putObject("spec").put("holderIdentity", "ghost").put("leaseDurationSeconds", 2)
                .put("acquireTime", LeaderElector.MICRO_TIME.format(ghostRenewed))
                .put("renewTime", LeaderElector.MICRO_TIME.format(ghostRenewed)).put("leaseTransitions", 3);
        client.create("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", lease);
        LeaderElector c = candidate("c", client);

        c.start();
        Thread.sleep(1000);
        boolean ledTooEarly = c.isLeader();
        assertThat(eventually(WAIT, c::isLeader)).isTrue();

        assertThat(ledTooEarly).as("the ghost's lease held for 2 s").isFalse();
        assertThat(c.leader()).isEqualTo("c");
        JsonNode spec = client.get(LEASE).path("spec");
        assertThat(spec.path("holderIdentity").asText()).isEqualTo("c");
        assertThat(spec.path("leaseDurationSeconds").asInt()).isEqualTo(1);
        assertThat(spec.path("leaseTransitions").asInt()).isEqualTo(4);
        assertThat(spec.path("renewTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(spec.path("acquireTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(Instant.parse(spec.path("acquireTime").asText())).isAfter(ghostRenewed.plusSeconds(2));
    }
}
