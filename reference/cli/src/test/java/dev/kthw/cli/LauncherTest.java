package dev.kthw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kthw.course.Course;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script ({@code ./kthw}) installs the Debian packages a chapter suite runs
 * before it runs one: {@code lab test 02} needs etcd-server, as {@code ./kthw test} does.
 * Its functions run in bash, sourced, against stand-ins for {@code id}, {@code dpkg-query},
 * {@code apt-get} and {@code sudo} that only record what they were asked: nothing is
 * installed and no privilege is needed.
 */
class LauncherTest {

    private static final Path SCRIPT = Course.locate().root().resolve("kthw");

    @TempDir
    Path tmp;
    Path bin;
    Path log;

    private record Run(int exit, String out, String err, String asked) {
    }

    @BeforeEach
    void standIns() throws IOException {
        bin = Files.createDirectories(tmp.resolve("bin"));
        log = tmp.resolve("asked.log");
        Files.createFile(log);
        stub("id", "echo \"${FAKE_UID:-1000}\"");
        stub("dpkg-query", "for p in $FAKE_INSTALLED; do [ \"$p\" = \"${!#}\" ] && { printf 'install ok installed'; exit 0; }; done; exit 1");
        stub("apt-get", "echo \"apt-get $*\" >>\"$ASKED\"");
        for (String tool : List.of("grep", "sort", "basename", "dirname", "env")) {
            Files.createSymbolicLink(bin.resolve(tool), which(tool));
        }
    }

    private void stub(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Path which(String tool) {
        for (String dir : List.of("/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool);
            }
        }
        throw new IllegalStateException(tool + " not found");
    }

    /** Sources the launcher and calls one of its functions, with PATH holding only the stand-ins. */
    private Run call(String uid, String installed, String function, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/bash", "-c", "source \"$1\"; shift; " + function + " \"$@\"",
                "launcher-test", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PATH", bin.toString());
        pb.environment().put("FAKE_UID", uid);
        pb.environment().put("FAKE_INSTALLED", installed);
        pb.environment().put("ASKED", log.toString());
        pb.environment().remove("KTHW_APT_UPDATED");
        pb.redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        Process process = pb.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(tmp.resolve("out")), Files.readString(tmp.resolve("err")),
                Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void theCommandsThatRunChapter02sSuiteNeedEtcdServerAndNoOtherCommandDoes() throws Exception {
        for (String[] args : List.of(new String[] {"lab", "test", "02"}, new String[] {"lab", "test", "2"},
                new String[] {"lab", "test", "--reference", "02"}, new String[] {"lab", "test", "--timeout", "60", "02"},
                new String[] {"grade", "02", "--submission", "s.zip"}, new String[] {"lab", "check"})) {
            assertThat(call("1000", "", "suite_packages", args).out().strip()).as(String.join(" ", args))
                    .isEqualTo("etcd-server");
        }
        for (String[] args : List.of(new String[] {"lab", "test", "01"}, new String[] {"lab", "test", "--timeout", "2", "01"},
                new String[] {"grade", "01", "--submission", "02"}, new String[] {"lab", "list"},
                new String[] {"apiserver"}, new String[] {"test"})) {
            assertThat(call("1000", "", "suite_packages", args).out().strip()).as(String.join(" ", args)).isEmpty();
        }
    }

    @Test
    void asRootLabTest02InstallsEtcdServerAndSaysSo() throws Exception {
        Run run = call("0", "", "ensure_suite_packages", "lab", "test", "02");

        assertThat(run.exit()).isZero();
        assertThat(run.asked()).contains("apt-get update").contains("apt-get install -y -qq --no-install-recommends etcd-server");
        assertThat(run.err()).contains("kthw: installing Debian packages: etcd-server");
    }

    @Test
    void notRootLabTest02InstallsEtcdServerThroughSudoForTheInstallAlone() throws Exception {
        stub("sudo", "echo \"sudo $*\" >>\"$ASKED\"; exec \"$@\"");

        Run run = call("1000", "", "ensure_suite_packages", "lab", "test", "02");

        assertThat(run.exit()).isZero();
        assertThat(run.asked()).contains("sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
                + "--no-install-recommends etcd-server");
        assertThat(run.err()).contains("kthw: installing them through sudo: apt-get install -y etcd-server");
    }

    @Test
    void withEtcdServerInstalledOrAChapterThatNeedsNothingNothingIsInstalled() throws Exception {
        Run installed = call("0", "etcd-server", "ensure_suite_packages", "lab", "test", "02");
        Run chapter01 = call("0", "", "ensure_suite_packages", "lab", "test", "01");

        assertThat(installed.exit()).isZero();
        assertThat(chapter01.exit()).isZero();
        assertThat(installed.asked() + chapter01.asked()).isEmpty();
        assertThat(installed.err() + chapter01.err()).isEmpty();
    }

    @Test
    void withoutRootOrSudoItSaysWhatWillBeSkippedAndGoesOn() throws Exception {
        Run run = call("1000", "", "ensure_suite_packages", "lab", "test", "02");

        assertThat(run.exit()).isZero();
        assertThat(run.asked()).isEmpty();
        assertThat(run.err()).contains("cannot install etcd-server").contains("skipped (and score 0)");
    }
}
