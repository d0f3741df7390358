package io.zerodrop.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.scenario.ScenarioLoader;
import io.zerodrop.scenario.Setting;
import io.zerodrop.testsupport.HostTool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one way a scenario is run: a run its runtime refuses changes nothing and makes no output directory; a dry run
 * prints the plan and starts nothing. (What a run does once started is proven by the real-process tests.)
 */
class ScenarioRunnerTest {
    static final Path SCENARIOS = Path.of(System.getProperty("user.dir")).resolve("scenarios");

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();
    private final ScenarioRunner runner = new ScenarioRunner(new PrintWriter(err, true));

    private RunRequest request(Path scenario) {
        return new RunRequest(scenario, 1, List.of(), null, false, null, null, null, null);
    }

    @Test
    void aRunTheRuntimeRefusesMakesNoOutputDirectoryAndStartsNothing() {
        Path file = SCENARIOS.resolve("cluster-delete.yaml");
        Scenario s = ScenarioLoader.load(file, 1);
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> runner.run(s, request(file), ScenarioRunner.Options.run("local", out, false)))
                .isInstanceOfSatisfying(ZerodropException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE);
                    assertThat(e.getMessage()).contains("cluster-delete.yaml: the local runtime needs"
                            + " 'target.manifests'", "deployment/target-app", "zerodrop-nightly");
                });
        assertThatThrownBy(() -> runner.run(s, request(file), ScenarioRunner.Options.run("nomad", out, false)))
                .hasMessage("--runtime \"nomad\" is invalid: expected kubernetes or local");
        assertThat(out).doesNotExist();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aDryRunPrintsThePlanOfTheRuntimeAndStartsNothing() {
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
        Path file = SCENARIOS.resolve("naive-delete.yaml");
        Scenario s = ScenarioLoader.load(file, 1).withSettings(" (preStop 3)", Map.of(Setting.PRE_STOP_SLEEP_SECONDS, "3"));
        Path out = dir.resolve("out");
        String plan = runner.dryRun(s, request(file), ScenarioRunner.Options.run("local", out, false));
        assertThat(plan).contains("zerodrop run --dry-run: " + s.name() + " (nothing was started)",
                "step       delete-1: delete", "preStop: exec sleep 3");
        assertThat(s.name()).endsWith(" (preStop 3)");
        assertThat(out).doesNotExist();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void settingsUnderTestAreAppliedOverTheScenarioAndABadValueIsRefusedNamingIt() {
        Scenario s = ScenarioLoader.load(SCENARIOS.resolve("naive-delete.yaml"), 1);
        Scenario fixed = s.withSettings(" (fixed)", Map.of(Setting.READINESS_PERIOD_SECONDS, "2",
                Setting.PDB_MAX_UNAVAILABLE, "1"));
        assertThat(fixed.settings().readinessPeriodSeconds()).isEqualTo(2);
        assertThat(fixed.settings().pdbMaxUnavailable()).isEqualTo("1");
        assertThat(fixed.settings().preStopSleepSeconds()).isEqualTo(s.settings().preStopSleepSeconds());
        assertThat(fixed.load()).isEqualTo(s.load());
        assertThat(fixed.steps()).isEqualTo(s.steps());
        assertThatThrownBy(() -> s.withSettings("", Map.of(Setting.MAX_SURGE, "abc")))
                .hasMessage("maxSurge \"abc\" is invalid: expected a whole number or a percentage like 25%");
    }
}
