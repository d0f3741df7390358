package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.testsupport.ChildJvm;
import io.zerodrop.testsupport.HostTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code zerodrop tune} end to end on the local runtime, as small as it gets: one run measures the endpoint lag
 * with no preStop, the model recommends the smallest whole-second preStop above lag + margin, one run confirms it.
 * (The full search with a 3-run confirmation and 20 stability runs is the tune benchmark, bench/tune.sh.)
 */
@Tag("slow")
class TuneCommandTest {
    static final Path SCENARIOS = Path.of(System.getProperty("user.dir")).resolve("scenarios");

    @TempDir
    Path dir;

    @Test
    void theModelRunRecommendsAPreStopAboveTheMeasuredLagAndAConfirmationRunDropsNothing() throws Exception {
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
        Path out = dir.resolve("tune");
        Cli r = Cli.run("tune", SCENARIOS.resolve("tune-prestop.yaml").toString(), "--param", "preStopSleepSeconds",
                "--range", "0..4", "--confirm", "1", "--out", out.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.PASSED);
        JsonNode tune = new ObjectMapper().readTree(out.resolve("tune.json").toFile());
        JsonNode runs = tune.path("runs");
        assertThat(runs.size()).as(r.out()).isGreaterThanOrEqualTo(2);
        JsonNode measure = runs.get(0);
        assertThat(measure.path("value").asText()).isEqualTo("0");
        assertThat(measure.path("purpose").asText()).isEqualTo("measure");
        assertThat(measure.path("failed").asLong()).as("no preStop: the endpoint race drops").isPositive();
        long lag = measure.path("routingLagMaxMs").asLong();
        assertThat(lag).isPositive();
        long expected = (long) Math.ceil((lag + Math.max(500, lag / 4)) / 1000.0);
        // the confirmation starts at the model's value; on a starved machine the lag of a later run may be longer
        // than the model run's, and then a confirmation that drops moves the value one candidate up, until one holds
        int last = runs.size() - 1;
        for (int i = 1; i <= last; i++) {
            JsonNode c = runs.get(i);
            assertThat(c.path("purpose").asText()).isEqualTo("confirm 1/1");
            assertThat(c.path("value").asText()).as(r.out()).isEqualTo(String.valueOf(expected + i - 1));
            if (i < last) {
                assertThat(c.path("failed").asLong()).as("only a confirmation that dropped moves the value up")
                        .isPositive();
            }
        }
        assertThat(runs.get(last).path("failed").asLong()).isZero();
        expected += last - 1;
        assertThat(tune.path("recommended").asText()).isEqualTo(String.valueOf(expected));
        assertThat(tune.path("bound").asText()).isEqualTo("0 drops in 1 runs: p(drop) < 95.0 % at 95 % confidence"
                + " (1 − 0.05^(1/1))");
        assertThat(Files.readString(out.resolve("fixes/tune.yaml"))).contains("- name: target-app",
                "seconds: " + expected);
        assertThat(Files.readString(out.resolve("report.html"))).contains("Recommended: preStopSleepSeconds = "
                + expected, "<rect class=\"ko\"", "<rect class=\"ok\"", "run-01-preStopSleepSeconds-0/report.html");
        assertThat(out.resolve("run-01-preStopSleepSeconds-0/report.json")).exists();
        assertThat(r.out()).contains("recommended preStopSleepSeconds = " + expected);
    }

    @Test
    void badParametersAreRefusedBeforeAnythingRuns() {
        Path out = dir.resolve("nothing");
        Cli param = Cli.run("tune", SCENARIOS.resolve("tune-prestop.yaml").toString(), "--param", "sleep", "--out",
                out.toString());
        assertThat(param.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(param.err()).contains("--param \"sleep\" is invalid: expected one of [replicas, terminationGracePeriodSeconds, preStopSleepSeconds,");
        Cli range = Cli.run("tune", SCENARIOS.resolve("tune-prestop.yaml").toString(), "--param", "replicas",
                "--range", "5-1", "--out", out.toString());
        assertThat(range.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(range.err()).contains("--range \"5-1\" is invalid: expected LOW..HIGH");
        Cli none = Cli.run("tune", SCENARIOS.resolve("tune-prestop.yaml").toString(), "--param", "maxSurge", "--out",
                out.toString());
        assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("--param maxSurge needs --values or --range");
        Cli stray = Cli.run("tune", SCENARIOS.resolve("tune-prestop.yaml").toString(), "--param", "replicas",
                "--values", "2,3", "--generators", "2", "--out", out.toString());
        assertThat(stray.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(stray.err()).contains("apply to load from inside the cluster: add --load-from cluster");
        assertThat(out).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "preStopSleepSeconds|--values|a,b|--values: \"a\" is not a value of preStopSleepSeconds: expected a whole number from 0 to 3600",
        "replicas|--values|0,1|--values: \"0\" is not a value of replicas: expected a whole number from 1 to 50",
        "maxSurge|--values|abc,1|--values: \"abc\" is not a value of maxSurge: expected a whole number or a percentage like 25%",
        "maxSurge|--values|1,1|--values 1,1 names a value twice",
        "terminationGracePeriodSeconds|--range|0..999999999|--range \"0..999999999\": 999999999 is not a value of terminationGracePeriodSeconds",
        "terminationGracePeriodSeconds|--range|0..99999999999|--range \"0..99999999999\" is invalid: expected LOW..HIGH",
        "replicas|--range|0..3|--range \"0..3\": 0 is not a value of replicas: expected a whole number from 1 to 50",
    })
    void candidatesThatAreNoValueOfTheSettingAreRefusedBeforeAnythingRuns(String param, String flag, String value,
            String message) {
        Path out = dir.resolve("nothing");
        Cli r = Cli.run("tune", SCENARIOS.resolve("tune-prestop.yaml").toString(), "--param", param, flag, value,
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(message);
        assertThat(out).doesNotExist();
    }

    /** Ctrl-C during a tune: the run under way is undone, no further run starts, what was learnt is written, 130. */
    @Test
    void anInterruptedTuneStartsNoFurtherRunAndSaysSo() throws Exception {
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
        Path out = dir.resolve("tune");
        Path log = dir.resolve("tune.out");
        Process p = new ProcessBuilder(ChildJvm.command(List.of(),
                Zerodrop.class.getName(), "tune", SCENARIOS.resolve("tune-prestop.yaml").toString(), "--param",
                "preStopSleepSeconds", "--range", "0..4", "--confirm", "1", "--out", out.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() ->
                    Files.readString(log).contains("[traffic]"));
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(ExitCodes.INTERRUPTED);
        } finally {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertThat(Files.readString(log)).contains("tune: run 1").doesNotContain("tune: run 2");
        assertThat(out.resolve("run-02-preStopSleepSeconds-2")).doesNotExist();
        // what was learnt is written before the JVM exits: the interrupted run, not judged
        JsonNode tune = new ObjectMapper().readTree(out.resolve("tune.json").toFile());
        assertThat(tune.path("note").asText()).startsWith("interrupted (SIGINT or SIGTERM) during run 1");
        assertThat(tune.path("runs")).singleElement().satisfies(r -> {
            assertThat(r.path("verdict").asText()).isEqualTo("INTERRUPTED");
            assertThat(r.path("failed").isNull()).isTrue();
        });
        assertThat(out.resolve("report.html")).exists();
    }

    /**
     * A run that is not judged (here ERROR: the workload cannot start) tells nothing about the value tried: the
     * search stops there and says why (exit 3), instead of counting it as a run that dropped a request and moving on
     * to "no candidate dropped nothing".
     */
    @Test
    void aRunThatWasNotJudgedStopsTheSearchAndIsNotCountedAsADrop() throws Exception {
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
        Path out = dir.resolve("tune-error");
        Cli r = Cli.run("tune", SCENARIOS.resolve("tune-prestop.yaml").toString(), "--param", "replicas",
                "--values", "2,3", "--confirm", "1", "--out", out.toString(),
                "--image", "zerodrop/target-app=sh -c 'echo no config >&2; exit 3'");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(r.out()).contains("tune: run 1: not judged (ERROR)")
                .doesNotContain("tune: run 2", "1 failed", "no candidate up to");
        assertThat(r.out()).contains("no recommendation: run 1 (replicas = 3) was ERROR: deploy failed");
        JsonNode tune = new ObjectMapper().readTree(out.resolve("tune.json").toFile());
        assertThat(tune.path("runs")).singleElement().satisfies(run -> {
            assertThat(run.path("verdict").asText()).isEqualTo("ERROR");
            assertThat(run.path("failed").isNull()).isTrue();
        });
        assertThat(Files.readString(out.resolve("report.html"))).contains("not judged (ERROR)");
    }
}
