package dev.kthw.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code kthw down}: stops and removes everything {@code kthw up} made. */
@Command(name = "down", description = "Stop the cluster and remove everything 'kthw up' made.")
final class DownCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        if (Component.all().stream().noneMatch(Component::runnableNow)) {
            System.out.println("kthw down: no component can run yet, so 'kthw up' made nothing; nothing to remove.");
        }
        return 0;
    }
}
