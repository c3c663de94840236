package dev.kthw.cli;

import java.util.List;

/**
 * A component of the cluster and the chapter that builds it. Whether it is built is
 * decided by whether its main class is on the class path, so {@code up} learns about a
 * component the moment its module joins the cli's dependencies.
 */
record Component(String name, String chapter, String mainClass) {

    /** Every component after the API server, in the order a cluster starts them. */
    static List<Component> afterApiServer() {
        return List.of(
                new Component("etcd store", "02", "dev.kthw.store.EtcdStorage"),
                new Component("kube-scheduler", "03", "dev.kthw.scheduler.Scheduler"),
                new Component("controller-manager", "04", "dev.kthw.controllers.ControllerManager"),
                new Component("kubelet", "05", "dev.kthw.kubelet.Kubelet"),
                new Component("CNI plugin", "06", "dev.kthw.cni.BridgePlugin"),
                new Component("kube-proxy", "07", "dev.kthw.proxy.KubeProxy"),
                new Component("cluster DNS", "08", "dev.kthw.dns.DnsServer"),
                new Component("PKI and RBAC", "10", "dev.kthw.pki.CertificateAuthority"),
                new Component("worker nodes", "11", "dev.kthw.cli.Nodes"));
    }

    boolean present() {
        try {
            Class.forName(mainClass, false, Component.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
