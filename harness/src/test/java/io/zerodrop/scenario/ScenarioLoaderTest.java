package io.zerodrop.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.PodSelector;
import io.zerodrop.workload.Probe;
import io.zerodrop.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioLoaderTest {
    @TempDir
    Path dir;

    @BeforeEach
    void manifests() throws Exception {
        Files.createDirectories(dir.resolve("m"));
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("s.yaml"), yaml);
    }

    private static final String VALID = """
            name: ok
            target:
              manifests: m
            settings:
              replicas: 4
              preStopSleepSeconds: 7
              env: {SHUTDOWN_DELAY_MS: "500"}
            traffic:
              simulation: steady
              rate: 250
              warmup: 2s
              duration: 1m
              paths: ["/", "/work?ms=5"]
            disruptions:
              - id: d
                action: delete
                select: {mode: newest, percent: 50}
                grace: 20s
                at: 1500ms
                every: 10s
                times: 3
              - action: kill
                select: {name: pod-x}
            expect:
              maxDropped: 2
              p99Ceiling: 300ms
              minAvailabilityPercent: 99.5
            local:
              endpointPropagation: 2s
              images: {"me/app:1": "java -jar app.jar"}
            """;

    /** Every example scenario shipped in harness/scenarios loads (the README and the nightly job point at them). */
    @Test
    void everyShippedScenarioLoads() throws Exception {
        Path scenarios = Path.of(System.getProperty("user.dir")).resolve("scenarios");
        try (var files = Files.list(scenarios)) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertThat(all).hasSizeGreaterThanOrEqualTo(9);
            for (Path f : all) {
                Scenario s = ScenarioLoader.load(f, 1);
                assertThat(s.steps()).as(f.toString()).isNotEmpty();
            }
        }
    }

    @Test
    void loadFromInsideTheClusterIsReadWithWhatGoesWithIt() throws Exception {
        Scenario s = ScenarioLoader.load(write(VALID.replace("  rate: 250", "  rate: 250\n  from: cluster\n"
                + "  generatorRate: 100\n  clockResolution: 50ms\n  image: registry.example/zd/gatling-sims:1.2")
                .replace("  endpointPropagation: 2s", "  endpointPropagation: 2s\n  generatorClockSkews: [0ms, +3s,"
                        + " -250ms]")), 1);
        assertThat(s.load().from().cluster()).isTrue();
        assertThat(s.load().from().generatorCount(250, "steady")).isEqualTo(3);
        assertThat(s.load().from().clockResolutionMs()).isEqualTo(50);
        assertThat(s.load().from().imageOrDefault()).isEqualTo("registry.example/zd/gatling-sims:1.2");
        assertThat(s.local().generatorClockSkewsMs()).containsExactly(0L, 3_000L, -250L);
        Scenario plain = ScenarioLoader.load(write(VALID), 1);
        assertThat(plain.load().from()).isEqualTo(LoadFrom.LOCAL);
        assertThat(plain.load().from().generatorCount(250, "steady")).isEqualTo(1);
    }

    @Test
    void thePodHeaderGoesToTheSimulationOnlyWhenGiven() throws Exception {
        Scenario plain = ScenarioLoader.load(write(VALID), 1);
        assertThat(plain.load().podHeader()).isEmpty();
        assertThat(plain.load().toPlan("http://127.0.0.1:1", dir, false).properties())
                .doesNotContainKey("zerodrop.podHeader");
        Scenario named = ScenarioLoader.load(write(VALID.replace("  rate: 250", "  rate: 250\n  podHeader: X-Served-By")),
                1);
        assertThat(named.load().podHeader()).isEqualTo("X-Served-By");
        assertThat(named.load().from(named.load().from()).podHeader()).as("kept by a copy").isEqualTo("X-Served-By");
        assertThat(named.load().toPlan("http://127.0.0.1:1", dir, false).properties())
                .containsEntry("zerodrop.podHeader", "X-Served-By");
    }

    @Test
    void aValidScenarioIsReadCompletely() throws Exception {
        Scenario s = ScenarioLoader.load(write(VALID), 3);
        assertThat(s.name()).isEqualTo("ok");
        assertThat(s.manifests()).isEqualTo(dir.resolve("m"));
        assertThat(s.runtime()).isEqualTo("local");
        assertThat(s.settings().replicas()).isEqualTo(4);
        assertThat(s.settings().preStopSleepSeconds()).isEqualTo(7);
        assertThat(s.settings().env()).containsEntry("SHUTDOWN_DELAY_MS", "500");
        assertThat(s.load().rate()).isEqualTo(250);
        assertThat(s.load().durationSeconds()).isEqualTo(60);
        assertThat(s.load().paths()).containsExactly("/", "/work?ms=5");
        assertThat(s.steps()).hasSize(2);
        Scenario.StepSpec d = s.steps().get(0);
        assertThat(d.selector().mode()).isEqualTo(PodSelector.Mode.NEWEST);
        assertThat(d.selector().percent()).isEqualTo(50);
        assertThat(d.graceSeconds()).isEqualTo(20);
        assertThat(d.toStep().atMs()).isEqualTo(1500);
        assertThat(d.toStep().times()).isEqualTo(3);
        assertThat(s.steps().get(1).id()).isEqualTo("kill-2");
        assertThat(s.steps().get(1).selector().name()).isEqualTo("pod-x");
        assertThat(s.steps().get(1).toStep().disruption().describe()).isEqualTo("kill pod pod-x");
        assertThat(s.expectations().maxDropped()).isEqualTo(2);
        assertThat(s.expectations().p99CeilingMs()).isEqualTo(300);
        assertThat(s.expectations().maxHiddenDrops()).isZero();
        assertThat(s.local().endpointPropagation().toMillis()).isEqualTo(2000);
        assertThat(s.local().images()).containsEntry("me/app:1", "java -jar app.jar");
    }

    @Test
    void theStartBudgetIsTheRuntimesDefaultUnlessTheTargetSetsIt() throws Exception {
        assertThat(ScenarioLoader.load(write(VALID), 1).startBudget()).as("null: the runtime's default").isNull();
        Scenario s = ScenarioLoader.load(write(VALID.replace("  manifests: m", "  manifests: m\n  startBudget: 10m")), 1);
        assertThat(s.startBudget()).hasMinutes(10);
        assertThat(s.withSettings(" (x)", Map.of()).startBudget()).as("kept by a tune trial's copy").hasMinutes(10);
    }

    @Test
    void theRoutingAllowanceIsTheRuntimesUnlessTheTrafficStatesIt() throws Exception {
        assertThat(ScenarioLoader.load(write(VALID), 1).routingAllowance()).as("null: the runtime's own").isNull();
        Scenario s = ScenarioLoader.load(write(VALID.replace("  rate: 250", "  rate: 250\n  routingAllowance: 3s")), 1);
        assertThat(s.routingAllowance()).hasSeconds(3);
        assertThat(s.withSettings(" (x)", Map.of()).routingAllowance()).as("kept by a tune trial's copy").hasSeconds(3);
        assertThat(s.withLoad(s.load()).routingAllowance()).hasSeconds(3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // what is replaced in VALID | expected message (after file:line:col)
        "  rate: 250|  rat: 250|:10:3: unknown key 'rat' in 'traffic'; expected one of: simulation, rate,",
        "  rate: 250|  rate: fast|:10:9: 'traffic.rate' is \"fast\"; expected a number from 0.1 to 100000",
        "  warmup: 2s|  warmup: 2 seconds|:11:11: 'traffic.warmup' is \"2 seconds\"; expected a duration: a whole number with ms, s, m or h (e.g. 500ms, 30s, 2m)",
        "    action: delete|    action: explode|:16:13: 'disruptions[0].action' is \"explode\"; expected one of: delete, kill, evict, drain-node, rollout-restart, scale",
        "    action: delete\\n    select: {mode: newest, percent: 50}\\n    grace: 20s|    action: scale|:15:5: missing 'disruptions[0].by'",
        "  manifests: m|  manifests: nowhere|:3:14: 'target.manifests' is \"nowhere\":",
        "  manifests: m|  manifests: m\\n  startBudget: 2s|:4:16: 'target.startBudget' is \"2s\"; expected 5s to 1h",
        "  manifests: m|  manifests: m\\n  startBudget: 2h|:4:16: 'target.startBudget' is \"2h\"; expected 5s to 1h",
        "  manifests: m|  manifests: m\\n  startBudget: soon|:4:16: 'target.startBudget' is \"soon\"; expected a duration",
        "  rate: 250|  rate: 250\\n  routingAllowance: 90s|:11:21: 'traffic.routingAllowance' is \"90s\"; expected 0s to 60s",
        "  rate: 250|  rate: 250\\n  routingAllowance: later|:11:21: 'traffic.routingAllowance' is \"later\"; expected a duration",
        "    select: {mode: newest, percent: 50}|    select: {mode: newest, percent: 50, count: 2}|:17:37: give either 'count' or 'percent', not both",
        "    select: {mode: newest, percent: 50}|    select: {mode: sideways}|:17:20: 'disruptions[0].select.mode' is \"sideways\"; expected one of: random, oldest, newest, name",
        "  maxDropped: 2|  maxDropped: -2|:25:15: 'expect.maxDropped' is \"-2\"; expected a whole number from 0",
        "    times: 3|    times: 3\\n    colour: red|:22:5: unknown key 'colour' in 'disruptions[0]'",
        "    times: 3|    times: 7|:21:12: step d is due at +61.5 s after the warm-up (at + (times - 1) × every), but 'traffic.duration' is 60 s: every occurrence must fall inside the measured load",
        "    every: 10s|    every: 40s|:21:12: step d is due at +81.5 s after the warm-up",
        "  simulation: steady|  simulation: com.example.Nope|:9:15: 'traffic.simulation' is \"com.example.Nope\": class com.example.Nope is not on the simulation class path",
        "  rate: 250|  rate: 250\\n  method: GET POST|:11:11: 'traffic.method' is \"GET POST\"; expected one HTTP method such as GET or POST",
        "  rate: 250|  rate: 250\\n  from: pods|:11:9: 'traffic.from' is \"pods\"; expected one of: local, cluster",
        "  rate: 250|  rate: 250\\n  generators: 3|:11:15: 'traffic.generators' applies to load from inside the cluster; add 'from: cluster'",
        "  rate: 250|  rate: 250\\n  from: cluster\\n  generators: 0|:12:15: 'traffic.generators' is \"0\"; expected a whole number from 1 to 1000",
        "  rate: 250|  rate: 250\\n  from: cluster\\n  clockResolution: 0ms|:12:20: 'traffic.clockResolution' must be at least 1ms",
        "  rate: 250|  rate: 250\\n  from: cluster\\n  image: Not An Image|:12:10: 'traffic.image' is \"Not An Image\"; expected an image reference",
        "  rate: 250|  rate: 250\\n  podHeader: X Served By|:11:14: 'traffic.podHeader' is \"X Served By\"; expected an HTTP header name such as X-Served-By",
        "  rate: 250|  rate: 250\\n  url: http://127.0.0.1:99999|:11:8: 'traffic.url' is \"http://127.0.0.1:99999\": invalid: port 99999 is out of range; expected 1 to 65535",
        "    grace: 20s|    grace: 500ms|:18:12: 'grace' is 500ms; Kubernetes counts a grace period in whole seconds",
        "    grace: 20s|    grace: 1500ms|:18:12: 'grace' is 1500ms; Kubernetes counts a grace period in whole seconds",
        "    action: delete\\n    select: {mode: newest, percent: 50}\\n    grace: 20s|    action: evict\\n    select: {mode: newest, percent: 50}\\n    retry: 0s|:18:12: 'retry' is 0ms; expected 100ms to 60s between eviction attempts",
        "    action: delete\\n    select: {mode: newest, percent: 50}\\n    grace: 20s|    action: evict\\n    select: {mode: newest, percent: 50}\\n    retry: 2m|:18:12: 'retry' is 120000ms; expected 100ms to 60s",
        "    action: delete\\n    select: {mode: newest, percent: 50}\\n    grace: 20s|    action: evict\\n    select: {mode: newest, percent: 50}\\n    timeout: 0s|:18:14: 'timeout' is 0ms; expected 1s to 1h",
        // a key the step's kind does not take is refused, naming the kinds that do (each kind declares its keys)
        "    action: delete|    action: evict|:18:12: 'grace' applies to delete only, not to evict",
        "  - action: kill|  - action: kill\\n    grace: 5s|:23:12: 'grace' applies to delete only, not to kill (kill is grace 0)",
        "    times: 3|    times: 3\\n    by: 2|:22:9: 'by' applies to scale only, not to delete",
        "    action: delete\\n    select: {mode: newest, percent: 50}\\n    grace: 20s|    action: evict\\n    select: {mode: newest, percent: 50}\\n    node: node-1|:18:11: 'node' applies to drain-node only, not to evict",
        "    action: delete\\n    select: {mode: newest, percent: 50}\\n    grace: 20s|    action: delete\\n    select: {mode: newest, percent: 50}\\n    retry: 1s|:18:12: 'retry' applies to evict and drain-node only, not to delete",
        "    action: delete\\n    select: {mode: newest, percent: 50}\\n    grace: 20s|    action: scale\\n    by: 0|:17:9: 'by' is 0: scaling by 0 changes nothing",
        "  replicas: 4|  replicas: 0|:5:13: 'settings.replicas' is \"0\"",
        "  preStopSleepSeconds: 7|  preStopSleepSeconds: 7\\n  rollingUpdate: {maxSurge: abc}|:7:29: 'settings.rollingUpdate.maxSurge' is \"abc\"; expected a whole number or a percentage like 25%",
        "  endpointPropagation: 2s|  endpointPropagation: 2s\\n  generatorClockSkews: [0ms, 3 seconds]|:30:24: 'local.generatorClockSkews' has \"3 seconds\"; expected signed durations like 0ms, +3s or -250ms",
    })
    void badInputNamesFileLineColumnAndWhatWasExpected(String from, String to, String message) throws Exception {
        String replaced = VALID.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
        assertThat(replaced).as("the case changes the scenario").isNotEqualTo(VALID);
        Path f = write(replaced);
        assertThatThrownBy(() -> ScenarioLoader.load(f, 1))
                .isInstanceOf(ScenarioException.class)
                .satisfies(e -> assertThat(((ZerodropException) e).exitCode()).isEqualTo(ExitCodes.USAGE))
                .hasMessageStartingWith(f.toString() + ":")
                .hasMessageContaining(message);
    }

    @Test
    void settingsUnderTestCoverProbeTimingsRolloutAndBudget() throws Exception {
        Path f = write("""
                target: {manifests: m}
                settings:
                  readinessProbe: {periodSeconds: 1, failureThreshold: 1}
                  rollingUpdate: {maxSurge: "50%", maxUnavailable: "0"}
                  podDisruptionBudget: {minAvailable: "2"}
                traffic: {rate: 10}
                """);
        Scenario s = ScenarioLoader.load(f, 1);
        Probe r = new Probe(Probe.HTTP, "/readyz", 8080, null, 0, 0, 5, 1, 1, 3);
        Workload w = new Workload("Deployment", "app", 3, Map.of(),
                "app", "img", List.of(), List.of(), Map.of(), List.of(), 8080,
                Optional.empty(), Optional.of(r), Optional.empty(), Optional.empty(),
                30, "25%", "25%", Optional.empty(), Optional.empty());
        Workload applied = s.settings().applyTo(w);
        assertThat(applied.readinessProbe().orElseThrow().periodSeconds()).isEqualTo(1);
        assertThat(applied.readinessProbe().orElseThrow().failureThreshold()).isEqualTo(1);
        assertThat(applied.readinessProbe().orElseThrow().httpPath()).isEqualTo("/readyz");
        assertThat(applied.maxSurge()).isEqualTo("50%");
        assertThat(applied.maxUnavailable()).isEqualTo("0");
        assertThat(applied.budget().orElseThrow().minAvailable()).isEqualTo("2");
        assertThat(applied.budget().orElseThrow().name()).isEqualTo("app-zerodrop");

        Path bad = write("target: {manifests: m}\nsettings:\n  rollingUpdate: {maxSurge: lots}\ntraffic: {rate: 10}\n");
        assertThatThrownBy(() -> ScenarioLoader.load(bad, 1))
                .hasMessageContaining("s.yaml:3:29: 'settings.rollingUpdate.maxSurge' is \"lots\"; expected a whole number or a percentage");
    }

    @Test
    void aClusterWorkloadTargetIsReadAndValidated() throws Exception {
        Scenario s = ScenarioLoader.load(write("target: {workload: deployment/shop, namespace: prod-eu}\n"
                + "traffic: {rate: 10}\n"), 1);
        assertThat(s.runtime()).isEqualTo("kubernetes");
        assertThat(s.workload()).isEqualTo("deployment/shop");
        assertThat(s.namespace()).isEqualTo("prod-eu");
        assertThat(s.manifests()).isNull();
        Path bad = write("target: {workload: pod/shop, namespace: prod}\ntraffic: {rate: 10}\n");
        assertThatThrownBy(() -> ScenarioLoader.load(bad, 1))
                .hasMessageContaining("s.yaml:1:20: 'target.workload' is \"pod/shop\"; expected deployment/<name>");
        Path local = write("target: {workload: deployment/shop, namespace: prod, runtime: local}\ntraffic: {rate: 10}\n");
        assertThatThrownBy(() -> ScenarioLoader.load(local, 1)).hasMessageContaining("the local runtime runs what");
    }

    @Test
    void brokenYamlAndMissingSectionsAreReportedWithPositions() throws Exception {
        Path broken = write("name: x\ntarget: [unclosed\n");
        assertThatThrownBy(() -> ScenarioLoader.load(broken, 1)).hasMessageContaining("s.yaml:3:1: not valid YAML");
        Path noTraffic = write("target:\n  manifests: m\n");
        assertThatThrownBy(() -> ScenarioLoader.load(noTraffic, 1))
                .hasMessageContaining("s.yaml:1:1: missing 'traffic' (a mapping)");
        Path repeated = write("target:\n  manifests: m\ntraffic:\n  rate: 5\ndisruptions:\n  - action: delete\n    times: 2\n");
        assertThatThrownBy(() -> ScenarioLoader.load(repeated, 1))
                .hasMessageContaining("s.yaml:7:12: 'times' is 2 but 'every' is missing");
    }
}
