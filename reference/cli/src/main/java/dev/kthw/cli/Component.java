package dev.kthw.cli;

import java.util.List;

/**
 * A component of the cluster and the chapter that builds it. {@code present} is decided
 * by whether its main class is on the class path, so {@code up} and {@code down} learn
 * about a component the moment its module is added to the cli's dependencies.
 */
record Component(String name, String chapter, String mainClass, boolean runnable) {

    static List<Component> all() {
        return List.of(
                new Component("api (object model)", "01", "dev.kthw.api.ObjectMeta", false),
                new Component("kube-apiserver", "01", "dev.kthw.apiserver.ApiServer", true),
                new Component("etcd store", "02", "dev.kthw.store.EtcdStore", true),
                new Component("kube-scheduler", "03", "dev.kthw.scheduler.Scheduler", true),
                new Component("controller-manager", "04", "dev.kthw.controllers.ControllerManager", true),
                new Component("kubelet", "05", "dev.kthw.kubelet.Kubelet", true),
                new Component("CNI plugin", "06", "dev.kthw.cni.BridgePlugin", true),
                new Component("kube-proxy", "07", "dev.kthw.proxy.KubeProxy", true),
                new Component("cluster DNS", "08", "dev.kthw.dns.DnsServer", true),
                new Component("PKI and RBAC", "10", "dev.kthw.pki.CertificateAuthority", false),
                new Component("multi-node cluster", "11", "dev.kthw.cli.Cluster", true));
    }

    boolean present() {
        try {
            Class.forName(mainClass, false, Component.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Present and a process that {@code up} would start. */
    boolean runnableNow() {
        return runnable && present();
    }
}
