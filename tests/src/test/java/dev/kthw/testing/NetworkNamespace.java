package dev.kthw.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace a test owns: created with a {@code kthw-t-} name, removed by
 * {@link #close()} (use try-with-resources, so a failing test cleans up too). Nothing in
 * the root namespace is touched: a test's addresses, routes and rules live inside.
 */
public final class NetworkNamespace implements AutoCloseable {

    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /** Creates a fresh namespace with its loopback up. */
    public static NetworkNamespace create() throws IOException, InterruptedException {
        NetworkNamespace ns = new NetworkNamespace("kthw-t-" + UUID.randomUUID().toString().substring(0, 8));
        run("ip", "netns", "add", ns.name);
        try {
            ns.exec("ip", "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /**
     * Runs a command inside the namespace and returns its output; a non-zero exit throws.
     * nsenter joins only the network namespace; {@code ip netns exec} also remounts / and
     * /sys, which fails where / is not a mount point (in a chroot, for instance).
     */
    public String exec(String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + name, "--"));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /** Whether a namespace of this name exists (in {@code ip netns list}). */
    public static boolean exists(String name) throws IOException, InterruptedException {
        return run("ip", "netns", "list").lines().anyMatch(l -> l.split(" ")[0].equals(name));
    }

    @Override
    public void close() throws IOException {
        try {
            if (exists(name)) {
                run("ip", "netns", "delete", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting network namespace " + name, e);
        }
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }
}
