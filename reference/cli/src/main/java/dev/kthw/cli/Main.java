package dev.kthw.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code kthw} command: one entry point for running the cluster and the course.
 *
 * <p>Each subcommand is one class in this package. Errors a user can fix (a bad flag, an
 * unknown lab) print one line and exit 2 for usage or 1 for failures; a stack trace
 * appears only with {@code KTHW_DEBUG=1}.
 */
@Command(name = "kthw",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Kubernetes the Hard Way, in Java: run the cluster, work the labs, grade, build the docs.",
        subcommands = {
                UpCommand.class,        // bring up a cluster on this machine
                DownCommand.class,      // remove everything `up` made
                TestCommand.class,      // run every test (what CI runs)
                BenchCommand.class,     // run the benchmarks and print their figures
                LabCommand.class,       // list, sync, test and check the labs
                GradeCommand.class,     // grade a student's submission
                DocsCommand.class,      // render chapters and slides into a site
                EtcdCommand.class,      // run etcd, one member or three (chapter 02)
                ApiServerCommand.class, // run the API server (chapters 01, 02)
                KubeconfigCommand.class, // write a kubeconfig for it
                SchedulerCommand.class, // run the scheduler (chapter 03)
                CommandLine.HelpCommand.class,
        },
        commandListHeading = "%nCommands:%n",
        footer = {"", "Start with README.adoc. Run 'kthw COMMAND --help' for a command's options."})
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests use it to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        addHelpOptions(cli);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println(commandLine.getCommandSpec().qualifiedName() + ": " + describe(e));
            if ("1".equals(System.getenv("KTHW_DEBUG"))) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli;
    }

    /** Every command and subcommand takes --help (and -h), as its usage errors promise. */
    private static void addHelpOptions(CommandLine cli) {
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)
                    && sub.getCommandSpec().optionsMap().get("--help") == null) {
                sub.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-h", "--help")
                        .usageHelp(true).description("Show this help message and exit.").build());
            }
            addHelpOptions(sub);
        }
    }

    /** No command given: show what there is, as a usage error. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new ParameterException(spec.commandLine(), "missing command");
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println("kthw: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        String name = cli.getCommandSpec().qualifiedName();
        err.println("Run '" + name + " --help' for usage.");
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** The version Maven wrote into the jar. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/kthw-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"kthw " + p.getProperty("version", "unknown")
                    + " (Java " + Runtime.version() + ")"};
        }
    }
}
