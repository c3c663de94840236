package dev.kthw.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where {@code kthw up} keeps what it started: one {@code NAME.pid} and {@code NAME.log}
 * per process, the admin kubeconfig. {@code kthw down} reads the same directory, so it
 * stops exactly what {@code up} started, by PID, and nothing else.
 */
record ClusterState(Path dir) {

    /** /var/lib/kthw as root; otherwise ~/.kthw/cluster. */
    static Path defaultDir() {
        boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        return root ? Path.of("/var/lib/kthw") : Path.of(System.getProperty("user.home"), ".kthw", "cluster");
    }

    Path pidFile(String component) {
        return dir.resolve(component + ".pid");
    }

    Path log(String component) {
        return dir.resolve(component + ".log");
    }

    Path kubeconfig() {
        return dir.resolve("admin.kubeconfig");
    }

    /** The live process {@code up} started for this component, if it is still ours and running. */
    Optional<ProcessHandle> running(String component) throws IOException {
        Path pid = pidFile(component);
        if (!Files.exists(pid)) {
            return Optional.empty();
        }
        long number = Long.parseLong(Files.readString(pid).strip());
        return ProcessHandle.of(number).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains("dev.kthw") || c.contains("kthw"))
                        .orElse(false));
    }
}
