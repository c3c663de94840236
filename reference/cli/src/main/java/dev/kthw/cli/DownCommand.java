package dev.kthw.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kthw down}: stops what {@code kthw up} started, by the PIDs it recorded (never by
 * name), then removes the state directory, etcd's data with it.
 */
@Command(name = "down", description = "Stop the cluster and remove everything 'kthw up' made.")
final class DownCommand implements Callable<Integer> {

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "The state directory 'kthw up' used (default: /var/lib/kthw as root, else ~/.kthw/cluster).")
    Path stateDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        ClusterState state = new ClusterState(stateDir != null ? stateDir : ClusterState.defaultDir());
        if (!Files.isDirectory(state.dir())) {
            System.out.println("kthw down: nothing to do (no cluster state in " + state.dir() + ")");
            return 0;
        }
        // The API server's clients first (the scheduler), then the API server (etcd's client),
        // then etcd; then any etcd member its parent could not stop (say it was killed): each
        // by the PID recorded for it.
        for (String component : List.of("scheduler", "apiserver", "etcd", "etcd-member-0", "etcd-member-1", "etcd-member-2",
                "etcd-member-3", "etcd-member-4")) {
            Optional<ProcessHandle> process = state.running(component);
            if (process.isPresent()) {
                stop(process.get());
                if (!component.startsWith("etcd-member-")) {
                    System.out.println("kthw down: stopped " + component + " (pid " + process.get().pid() + ")");
                }
            }
        }
        dev.kthw.course.Trees.delete(state.dir());
        System.out.println("kthw down: removed " + state.dir());
        return 0;
    }

    /** SIGTERM, a few seconds to finish, then SIGKILL. */
    private static void stop(ProcessHandle process) throws InterruptedException {
        process.destroy();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly();
            process.onExit().join();
        }
    }
}
