package dev.kthw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher's promises: every command listed, a version, and clear usage errors with exit 2. */
class MainTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommandWithOneLine() {
        Run run = run("--help");
        assertThat(run.exit).isZero();
        for (String command : new String[] {"up", "down", "test", "bench", "lab", "grade", "docs", "apiserver", "kubeconfig", "scheduler"}) {
            assertThat(run.out).containsPattern("(?m)^  " + command + " +\\S");
        }
    }

    @Test
    void everyCommandTakesHelp() {
        for (String command : Main.commandLine().getSubcommands().keySet()) {
            if (command.equals("help")) {
                continue;
            }
            Run run = run(command, "--help");
            assertThat(run.exit).as("kthw " + command + " --help").isZero();
            assertThat(run.out).as("kthw " + command + " --help").contains("Usage: kthw " + command);
        }
        Run nested = run("lab", "test", "--help");
        assertThat(nested.exit).isZero();
        assertThat(nested.out).contains("Usage: kthw lab test");
    }

    @Test
    void versionPrintsTheProjectVersion() {
        Run run = run("--version");
        assertThat(run.exit).isZero();
        assertThat(run.out).startsWith("kthw ").contains("Java");
    }

    @Test
    void anUnknownCommandIsAUsageErrorWithASuggestion() {
        Run run = run("gade");
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("kthw: Unmatched argument at index 0: 'gade'").contains("kthw grade")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aBadFlagIsAUsageError() {
        Run run = run("lab", "test", "01", "--refrence");
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("Unknown option: '--refrence'").contains("kthw lab test --help")
                .doesNotContain("\tat ");
    }

    @Test
    void noCommandIsAUsageError() {
        Run run = run();
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("missing command");
    }

    @Test
    void aFailingCommandSaysWhyInOneLineWithoutAStackTrace() {
        Run run = run("lab", "test", "42");
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err.strip()).startsWith("kthw lab test: no chapter 42").doesNotContain("\tat ");
    }
}
