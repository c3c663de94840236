package dev.kthw.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code kthw up}: brings up a cluster on this machine. Each component is started when
 * its chapter has landed; until then {@code up} says plainly what is missing, so the
 * command is honest at every stage of the course.
 */
@Command(name = "up", description = "Bring up a cluster on this machine (as root): etcd, control plane, nodes.")
final class UpCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        List<Component> components = Component.all();
        System.out.println("kthw up: the cluster, component by component:");
        for (Component c : components) {
            System.out.printf("  %-20s chapter %s  %s%n", c.name(), c.chapter(),
                    c.present() ? "built" : "not built yet (it arrives with chapter " + c.chapter() + ")");
        }
        if (components.stream().noneMatch(Component::runnableNow)) {
            System.out.println();
            System.out.println("Nothing can run yet: no server component has been built, so there is no cluster"
                    + " to start. Nothing was started and nothing on this machine was changed.");
            System.out.println("What exists now: the object model and its validation (chapter 01's lab),"
                    + " the labs, the grader and the docs ('kthw lab list', 'kthw docs').");
        }
        return 0;
    }
}
