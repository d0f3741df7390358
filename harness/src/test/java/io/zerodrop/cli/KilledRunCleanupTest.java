package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.core.RunProcesses;
import io.zerodrop.testsupport.ChildJvm;
import io.zerodrop.testsupport.HostTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL (a CI hard timeout) cannot undo anything itself: its pods, its preStop hooks, its Gatling
 * JVM and its network namespace stay. The marker it wrote before starting lets the next run, or zerodrop cleanup,
 * find them and remove them. SIGINT, which the run can handle, leaves nothing, not even a preStop hook.
 */
@Tag("slow")
class KilledRunCleanupTest {
    @TempDir
    Path dir;

    private Path markers() {
        return dir.resolve("markers");
    }

    private Process zerodrop(Path err, String... args) throws IOException {
        List<String> cmd = ChildJvm.command(List.of("-Dzerodrop.runs=" + markers()),
                Zerodrop.class.getName(), args);
        return new ProcessBuilder(cmd).redirectError(err.toFile())
                .redirectOutput(err.resolveSibling(err.getFileName() + ".out").toFile()).start();
    }

    /** The hardened overlay under load, one pod deleted 1 s after the warm-up: its preStop sleeps 5 s. */
    private Path scenario(String service) throws IOException {
        Path manifests = Path.of(System.getProperty("user.dir")).resolveSibling("manifests").resolve("overlays/hardened");
        return Files.writeString(dir.resolve("hardened-" + service + ".yaml"), String.join("\n",
                "name: killed in the middle of a preStop hook",
                "target:",
                "  manifests: " + manifests,
                "traffic:",
                "  simulation: steady",
                "  rate: 30",
                "  warmup: 1s",
                "  duration: 12s",
                "disruptions:",
                "  - id: delete-1",
                "    action: delete",
                "    at: 1s",
                "expect:",
                "  maxDropped: 0",
                "local:",
                "  service: " + service, ""));
    }

    private String runId() throws IOException {
        try (Stream<Path> s = Files.list(markers())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".run")).findFirst().orElseThrow()
                    .replace(".run", "");
        }
    }

    /** Starts the run and waits until its preStop hook (sleep 5) is running; returns the run id. */
    private String startAndWaitForPreStop(Process z, Path err) throws IOException {
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(err).contains("delete-1:"));
        String run = runId();
        await().atMost(Duration.ofSeconds(20)).until(() -> RunProcesses.of(run).stream()
                .anyMatch(pid -> ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("").endsWith("sleep")));
        return run;
    }

    /**
     * Exited: no such process, or a zombie (the orphans of a SIGKILLed JVM are reparented to this machine's PID 1,
     * which may not reap them; a zombie runs nothing and holds no socket).
     */
    static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }

    private static String netns() throws Exception {
        Process list = new ProcessBuilder("ip", "netns", "list").start();
        String out = new String(list.getInputStream().readAllBytes());
        list.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private static String namespaceOf(Path marker) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(marker)) {
            p.load(in);
        }
        return p.getProperty("namespaces");
    }

    @Test
    void sigkillMidPreStopLeavesProcessesThatZerodropCleanupRemoves() throws Exception {
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
        Path err = dir.resolve("killed.err");
        Process z = zerodrop(err, "run", scenario("userspace").toString(), "--out", dir.resolve("out").toString());
        try {
            String run = startAndWaitForPreStop(z, err);
            z.toHandle().destroyForcibly(); // SIGKILL: no hook, no undo
            z.waitFor(10, TimeUnit.SECONDS);
            List<Long> left = RunProcesses.of(run);
            assertThat(left).as("pods, the preStop hook and Gatling outlive a SIGKILLed run").hasSizeGreaterThanOrEqualTo(4);

            Path cleanupErr = dir.resolve("cleanup.err");
            Process c = zerodrop(cleanupErr, "cleanup");
            assertThat(c.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(c.exitValue()).isZero();
            // the preStop's sleep or a probe may end by itself between the listing above and the cleanup
            Matcher said = Pattern.compile("run " + run + " \\(process " + z.pid()
                    + ", no longer alive\\) had left (\\d+) process\\(es\\)").matcher(Files.readString(
                    cleanupErr.resolveSibling("cleanup.err.out")));
            assertThat(said.find()).as(Files.readString(cleanupErr.resolveSibling("cleanup.err.out"))).isTrue();
            assertThat(Integer.parseInt(said.group(1))).isBetween(1, left.size());
            assertThat(RunProcesses.of(run)).isEmpty();
            assertThat(left).allMatch(KilledRunCleanupTest::gone);
            assertThat(markers().resolve(run + ".run")).doesNotExist();
        } finally {
            z.destroyForcibly();
        }
    }

    @Test
    void afterASigkillInNetfilterModeTheNextRunRemovesTheLeftoversAndPasses() throws Exception {
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
        if (!"root".equals(System.getProperty("user.name")) || HostTool.find("iptables").isEmpty()
                || HostTool.find("ip").isEmpty()) {
            HostTool.require("iptables-as-root", "root with ip (iproute2) and iptables, for the netfilter Service mode");
        }
        Path err = dir.resolve("killed.err");
        Process z = zerodrop(err, "run", scenario("netfilter").toString(), "--out", dir.resolve("out").toString());
        String run;
        String ns;
        try {
            run = startAndWaitForPreStop(z, err);
            ns = namespaceOf(markers().resolve(run + ".run"));
            assertThat(ns).startsWith("zd-");
            z.toHandle().destroyForcibly();
            z.waitFor(10, TimeUnit.SECONDS);
            assertThat(RunProcesses.of(run)).isNotEmpty();
            assertThat(netns()).contains(ns);
        } finally {
            z.destroyForcibly();
        }

        Path secondErr = dir.resolve("second.err");
        Process second = zerodrop(secondErr, "run", scenario("netfilter").toString(), "--out",
                dir.resolve("out2").toString());
        try {
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String said = Files.readString(secondErr);
            assertThat(second.exitValue()).as(said).isZero();
            assertThat(said).contains("run " + run + " (process " + z.pid() + ", no longer alive) had left",
                    "and 1 network namespace(s): removed");
            assertThat(RunProcesses.of(run)).isEmpty();
            assertThat(netns()).doesNotContain(ns);
            try (Stream<Path> s = Files.list(markers())) {
                assertThat(s.filter(p -> p.toString().endsWith(".run"))).as("both runs' markers are gone").isEmpty();
            }
        } finally {
            second.destroyForcibly();
        }
    }

    @Test
    void sigintMidPreStopLeavesNoHookProcess() throws Exception {
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
        Path err = dir.resolve("interrupted.err");
        Process z = zerodrop(err, "run", scenario("userspace").toString(), "--out", dir.resolve("out").toString());
        try {
            String run = startAndWaitForPreStop(z, err);
            List<Long> before = RunProcesses.of(run);
            new ProcessBuilder("kill", "-INT", String.valueOf(z.pid())).start().waitFor();
            assertThat(z.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(z.exitValue()).isEqualTo(130);
            assertThat(RunProcesses.of(run)).isEmpty();
            assertThat(before).allMatch(KilledRunCleanupTest::gone);
            String said = Files.readString(err);
            assertThat(said).containsOnlyOnce("interrupted").doesNotContain("exited with code 137");
            assertThat(markers().resolve(run + ".run")).doesNotExist();
            // what was measured up to the signal is still reported
            assertThat(dir.resolve("out/report.json")).exists();
            String report = Files.readString(dir.resolve("out/report.json"));
            assertThat(report).contains("\"status\" : \"ERROR\"", "analysis of the load up to the interrupt");
            JsonNode json = new ObjectMapper()
                    .readTree(report);
            // the load ran through the warm-up and past the deletion before the signal: those requests are kept
            assertThat(json.path("requests").path("measured").asLong()).as(said).isPositive();
            assertThat(json.path("requests").path("warmup").asLong()).isPositive();
        } finally {
            z.destroyForcibly();
        }
    }
}
