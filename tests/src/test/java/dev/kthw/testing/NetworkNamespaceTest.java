package dev.kthw.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The isolation every node and pod test relies on: a namespace of our own, with its own
 * loopback, gone after close. Needs root: this is the privileged path CI must run.
 */
@Privileged(programs = {"ip", "nsenter"})
class NetworkNamespaceTest {

    @Test
    void aNamespaceHasItsOwnLoopbackAndIsRemovedOnClose() throws Exception {
        String name;
        try (NetworkNamespace ns = NetworkNamespace.create()) {
            name = ns.name();
            assertThat(name).startsWith("kthw-");
            assertThat(NetworkNamespace.exists(name)).isTrue();
            assertThat(ns.exec("ip", "-o", "addr", "show", "dev", "lo")).contains("inet 127.0.0.1/8");
            assertThat(ns.exec("ip", "-o", "link", "show")).doesNotContain("veth").doesNotContain("eth0");
        }
        assertThat(NetworkNamespace.exists(name)).isFalse();
    }
}
