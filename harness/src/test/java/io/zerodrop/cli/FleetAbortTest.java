package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.testsupport.ChildJvm;
import io.zerodrop.testsupport.HostTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose load comes from generator processes (the local runtime playing the load Job), stopped mid-load: on
 * SIGINT every generator is stopped by its undo and the report is still written; on SIGKILL, which leaves zerodrop
 * no chance to undo anything, each generator sees its control channel close and exits by itself.
 */
@Tag("slow")
class FleetAbortTest {
    @TempDir
    Path dir;

    private Process start(Path out) throws Exception {
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
        Path scenario = Path.of(System.getProperty("user.dir")).resolve("scenarios/naive-delete.yaml");
        return new ProcessBuilder(ChildJvm.command(List.of(), Zerodrop.class.getName(),
                "run", scenario.toString(), "--load-from", "cluster", "--generators", "2", "--out", out.toString()))
                .redirectError(dir.resolve("err-" + out.getFileName() + ".txt").toFile())
                .redirectOutput(dir.resolve("out-" + out.getFileName() + ".txt").toFile()).start();
    }

    /** The generator processes among zerodrop's descendants, once the load runs. */
    private List<ProcessHandle> generators(Process zerodrop, Path out) throws Exception {
        Path err = dir.resolve("err-" + out.getFileName() + ".txt");
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(err).contains("[traffic]")
                && Files.readString(err).matches("(?s).*sent [1-9].*"));
        List<ProcessHandle> gens = zerodrop.toHandle().descendants().filter(FleetAbortTest::isGenerator).toList();
        assertThat(gens).as("two generator processes").hasSize(2);
        return gens;
    }

    private static boolean isGenerator(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline")),
                    StandardCharsets.UTF_8).contains("\0io.zerodrop.sims.Generator\0");
        } catch (IOException gone) {
            return false;
        }
    }

    @Test
    void sigintStopsEveryGeneratorAndStillReports() throws Exception {
        Path out = dir.resolve("int");
        Process zerodrop = start(out);
        try {
            List<ProcessHandle> gens = generators(zerodrop, out);
            new ProcessBuilder("kill", "-INT", String.valueOf(zerodrop.pid())).start().waitFor();
            assertThat(zerodrop.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(zerodrop.exitValue()).isEqualTo(130);
            await().atMost(Duration.ofSeconds(15)).until(() -> gens.stream().noneMatch(ProcessHandle::isAlive));
            JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
            String err = Files.readString(dir.resolve("err-int.txt"));
            assertThat(report.path("verdict").path("status").asText()).as(err).isEqualTo("ERROR");
            assertThat(report.path("steps").findValuesAsText("name")).as(err).contains("undo: stop load generator"
                    + " generator-0", "undo: stop load generator generator-1", "undo: collect the load generators' logs",
                    "analysis of the load up to the interrupt");
            // each generator was asked to stop its load and handed over what it had measured: kept and reported
            assertThat(report.path("requests").path("measured").asLong()).as(err).isPositive();
            assertThat(report.at("/header/settings/loadGenerators")).as("both generators' logs were read").hasSize(2);
        } finally {
            zerodrop.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            zerodrop.destroyForcibly();
        }
    }

    @Test
    void afterSigkillTheGeneratorsExitByThemselves() throws Exception {
        Path out = dir.resolve("kill");
        Process zerodrop = start(out);
        try {
            List<ProcessHandle> gens = generators(zerodrop, out);
            zerodrop.destroyForcibly(); // SIGKILL: no undo runs
            assertThat(zerodrop.waitFor(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> gens.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            zerodrop.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            new ProcessBuilder(ChildJvm.command(List.of(), Zerodrop.class.getName(),
                    "cleanup")).redirectErrorStream(true).redirectOutput(dir.resolve("cleanup.txt").toFile()).start()
                    .waitFor(60, TimeUnit.SECONDS);
        }
    }
}
