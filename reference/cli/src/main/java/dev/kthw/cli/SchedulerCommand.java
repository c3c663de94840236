package dev.kthw.cli;

import dev.kthw.client.KubeClient;
import dev.kthw.scheduler.PluginCatalog;
import dev.kthw.scheduler.PluginRegistry;
import dev.kthw.scheduler.Pod;
import dev.kthw.scheduler.Scheduler;
import dev.kthw.scheduler.SchedulerConfiguration;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kthw scheduler}: runs kube-scheduler in the foreground, with kube-scheduler's flag
 * names. Exits 1 when it loses its lease, as kube-scheduler does, so that whatever
 * restarts it starts a fresh candidate.
 */
@Command(name = "scheduler", description = "Run the scheduler (chapter 03) in the foreground.")
final class SchedulerCommand implements Callable<Integer> {

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The kubeconfig to reach the API server with (its current context).")
    Path kubeconfig;

    @Option(names = "--master", paramLabel = "URL",
            description = "The API server's URL, e.g. http://127.0.0.1:8080 (overrides the kubeconfig's server).")
    String master;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A KubeSchedulerConfiguration file (kubescheduler.config.k8s.io/v1): profiles, plugins, "
                    + "weights, leader election.")
    Path config;

    @Option(names = "--leader-elect", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            description = "Take a Lease (kube-system/kube-scheduler) and schedule only while holding it, so that "
                    + "replicas can stand by (default: true, or the config file's leaderElection.leaderElect).")
    Boolean leaderElect;

    @Option(names = "--scheduler-name", defaultValue = Pod.DEFAULT_SCHEDULER,
            description = "The spec.schedulerName of the pods to schedule (default: ${DEFAULT-VALUE}); ignored with "
                    + "--config, whose profiles name themselves.")
    String schedulerName;

    @Option(names = "--bind-address", defaultValue = "127.0.0.1",
            description = "Where /healthz and /metrics listen (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(names = "--secure-port", defaultValue = "10259",
            description = "Their port; 0 picks a free one. Plain HTTP in kthw until chapter 10 (default: "
                    + "${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception {
        SchedulerConfiguration configuration = config != null ? SchedulerConfiguration.read(config)
                : SchedulerConfiguration.defaults(schedulerName);
        if (config != null && !schedulerName.equals(Pod.DEFAULT_SCHEDULER)) {
            System.err.println("kthw scheduler: --scheduler-name is ignored with --config (name the profiles there)");
        }
        if (leaderElect != null) {                                    // the flag wins over the file, as in kube
            configuration = configuration.withLeaderElect(leaderElect);
        }
        Scheduler scheduler = Scheduler.start(client(configuration), new Scheduler.Options(configuration, plugins(),
                null, bindAddress, port, Clock.systemUTC()));
        Runtime.getRuntime().addShutdownHook(new Thread(scheduler::close));
        SchedulerConfiguration.LeaderElection election = configuration.leaderElection();
        System.out.println("kthw scheduler: " + (election.leaderElect() ? "will schedule" : "scheduling")
                + " pods for " + configuration.profiles().stream().map(SchedulerConfiguration.Profile::schedulerName)
                .toList() + (election.leaderElect() ? " while it holds the Lease " + election.resourceNamespace()
                        + "/" + election.resourceName() + " (it waits for it if another scheduler holds it)" : ""));
        System.out.println("kthw scheduler: /healthz and /metrics on http://" + bindAddress + ":" + scheduler.port());
        if (scheduler.awaitStop()) {
            System.err.println("kthw scheduler: lost the lease " + election.resourceName() + "; exiting");
            return 1;
        }
        return 0;
    }

    /** --kubeconfig, else the file's clientConnection.kubeconfig; --master names the server directly. */
    private KubeClient client(SchedulerConfiguration configuration) {
        if (master != null) {
            URI uri = URI.create(master);
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("--master must be an http:// URL, not " + master);
            }
            return new KubeClient(master, "scheduler");
        }
        Path file = kubeconfig != null ? kubeconfig
                : configuration.kubeconfig().isEmpty() ? null : Path.of(configuration.kubeconfig());
        if (file == null) {
            throw new IllegalArgumentException("say where the API server is: --kubeconfig FILE (kthw up writes one) "
                    + "or --master URL");
        }
        return KubeClient.fromKubeconfig(file, "scheduler");
    }

    /** The plugins the scheduler can run: kube-scheduler's in-tree ones that kthw has. */
    static PluginCatalog plugins() {
        return PluginRegistry.catalog();
    }
}
