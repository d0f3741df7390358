package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.conformance.DeleteConformance;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.report.RenderedLabels;
import io.zerodrop.testsupport.Headless;
import io.zerodrop.testsupport.HostTool;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class RunCommandTest {
    static final Path SCENARIOS = Path.of(System.getProperty("user.dir")).resolve("scenarios");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsKubectl() {
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
    }

    @Test
    void dryRunValidatesEverythingPrintsThePlanAndStartsNothing() {
        Path out = dir.resolve("out");
        Cli r = Cli.run("run", SCENARIOS.resolve("hardened-tuned-down.yaml").toString(), "--dry-run", "--out",
                out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("nothing was started", "preStop: none", "terminationGracePeriodSeconds: 10",
                "SHUTDOWN_DELAY_MS=0", "readinessProbe: httpGet :8080/readyz every 2 s",
                "roll: delete 1 oldest pod(s) at +2000 ms after the warm-up, every 6000 ms, 3 times");
        assertThat(out).doesNotExist();
        assertThat(r.out()).contains("The workload may take 90 s to be ready before the load starts (the local"
                + " runtime's default; target.startBudget or --start-budget set it)");
        Cli given = Cli.run("run", SCENARIOS.resolve("hardened-tuned-down.yaml").toString(), "--dry-run",
                "--start-budget", "3m");
        assertThat(given.exitCode()).as(given.err()).isZero();
        assertThat(given.out()).contains("The workload may take 180 s to be ready before the load starts"
                + " (--start-budget)");
    }

    @Test
    void aBadScenarioOrRuntimeExitsWith2AndSaysWhere() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "target:\n  manifests: .\ntraffic:\n  rate: lots\n");
        Cli r = Cli.run("run", bad.toString(), "--dry-run");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(bad + ":4:9: 'traffic.rate' is \"lots\"; expected a number");

        Cli k8s = Cli.run("run", SCENARIOS.resolve("hardened-delete.yaml").toString(), "--runtime", "kubernetes");
        assertThat(k8s.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(k8s.err()).contains("the kubernetes runtime attaches to a workload in a cluster: set target.workload");

        Cli image = Cli.run("run", SCENARIOS.resolve("hardened-delete.yaml").toString(), "--dry-run", "--image", "x");
        assertThat(image.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(image.err()).contains("--image \"x\" is invalid: expected IMAGE=COMMAND");

        Path out = dir.resolve("none");
        Cli many = Cli.run("run", SCENARIOS.resolve("hardened-delete.yaml").toString(), "--load-from", "cluster",
                "--generators", "1000", "--out", out.toString());
        assertThat(many.exitCode()).as(many.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(many.err()).contains("1000 load generators: the local runtime runs each load generator as a JVM"
                + " on this host", "give fewer generators (--generators)");
        assertThat(out).doesNotExist();

        for (String budget : List.of("2s", "2h", "soon")) {
            Cli refused = Cli.run("run", SCENARIOS.resolve("hardened-delete.yaml").toString(), "--start-budget", budget,
                    "--out", out.toString());
            assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(refused.err()).contains("--start-budget \"" + budget + "\" is invalid: expected ");
            assertThat(out).doesNotExist();
        }

        Cli missing = Cli.run("run", dir.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("nope.yaml:1:1: no such scenario file");
    }

    private Path scenarioOver(String manifests) throws Exception {
        return Files.writeString(dir.resolve("s.yaml"), "name: t\ntarget:\n  manifests: " + manifests + "\n"
                + "traffic: {rate: 20, warmup: 1s, duration: 4s}\n");
    }

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: app}
            spec:
              replicas: REPLICAS
              selector: {matchLabels: {app: app}}
              template:
                metadata: {labels: {app: app}}
                spec:
                  containers:
                    - name: app
                      image: zerodrop/target-app:dev
                      ports: [{containerPort: 8080}]
            """;

    private static final String SERVICE = """
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: app}
            spec:
              selector: {app: SELECTS}
              ports: [{port: 80, targetPort: 8080}]
            """;

    @Test
    void aManifestFieldOfTheWrongTypeIsNamedWithFileLineAndColumn() throws Exception {
        Path m = Files.writeString(dir.resolve("app.yaml"), DEPLOYMENT.replace("REPLICAS", "three")
                + SERVICE.replace("SELECTS", "app"));
        Cli r = Cli.run("run", scenarioOver(m.toString()).toString(), "--dry-run");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(m + ":5:13: Deployment app: spec.replicas is \"three\": not valid Kubernetes YAML")
                .doesNotContain("UNKNOWN");
    }

    @Test
    void noServiceOrAServiceSelectingNothingIsAnInputErrorNotAPass() throws Exception {
        Path none = Files.writeString(dir.resolve("none.yaml"), DEPLOYMENT.replace("REPLICAS", "2"));
        Cli r = Cli.run("run", scenarioOver(none.toString()).toString(), "--out", dir.resolve("o1").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("no ClusterIP Service selects the pods of Deployment app (pod labels {app=app});"
                + " the manifests hold no Service");
        assertThat(dir.resolve("o1")).doesNotExist();

        Path other = Files.writeString(dir.resolve("other.yaml"), DEPLOYMENT.replace("REPLICAS", "2")
                + SERVICE.replace("SELECTS", "shop"));
        Cli r2 = Cli.run("run", scenarioOver(other.toString()).toString(), "--dry-run");
        assertThat(r2.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r2.err()).contains("found Service app (type ClusterIP, selector {app=shop})");
    }

    @Test
    void aWorkloadThatCannotStartStillReportsWithTheContainersExitCode() throws Exception {
        Path out = dir.resolve("broken");
        Cli r = Cli.run("run", SCENARIOS.resolve("naive-delete.yaml").toString(), "--out", out.toString(),
                "--image", "zerodrop/target-app=sh -c 'echo starting >&2; echo \"no config\" >&2; exit 3'");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(r.err()).contains("exited before 3 pods were ready", "container exited with code 3",
                "stderr tail: starting | no config");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        ReportSchema.assertValid(report);
        assertThat(report.path("verdict").path("status").asText()).isEqualTo("ERROR");
        assertThat(report.path("verdict").path("reasons").get(0).asText()).startsWith("deploy failed: the workload"
                + " cannot start");
        JsonNode deploy = report.path("steps").findParents("name").stream()
                .filter(s -> s.path("name").asText().equals("deploy")).findFirst().orElseThrow();
        assertThat(deploy.path("status").asText()).isEqualTo("FAILED");
        assertThat(report.path("steps").findValuesAsText("name")).contains("teardown",
                "disruption delete-1: delete 1 oldest pod(s)");
        assertThat(report.path("steps").findValuesAsText("detail")).contains("never issued: the load never started");
        String junit = Files.readString(out.resolve("junit.xml"));
        assertThat(junit).contains("type=\"error\"", "deploy failed");
        assertThat(out.resolve("report.html")).exists();
    }

    @Test
    void theNaiveExampleScenarioRunsEndToEndAndFailsWithItsReports() throws Exception {
        Path out = null;
        Cli r = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            out = dir.resolve("naive-" + attempt);
            r = Cli.run("run", SCENARIOS.resolve("naive-delete.yaml").toString(), "--out", out.toString(), "--seed",
                    String.valueOf(5 + attempt));
            if (!saturated(r, out)) {
                break;
            }
            // exit 3 with INCONCLUSIVE "load generator saturated": the run measured the machine, not the target
            System.err.printf("naive run attempt %d: the load generator was saturated (a starved machine); again%n",
                    attempt + 1);
        }
        Assumptions.assumeFalse(saturated(r, out), "three times in a row, this machine could not send the naive"
                + " scenario's load (zerodrop said INCONCLUSIVE: load generator saturated); nothing was proven here\n"
                + r.out());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.VERDICT_FAILED);
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        ReportSchema.assertValid(report);
        assertThat(report.path("header").path("command").asText()).isEqualTo("run");
        assertThat(report.path("header").path("runtime").asText()).startsWith("local");
        assertThat(report.path("header").path("settings").path("workload").path("preStop").asText()).isEqualTo("none");
        assertThat(report.path("requests").path("failed").asLong()).isPositive();
        JsonNode t = report.path("terminations").get(0);
        assertThat(t.path("exitCode").asInt()).isEqualTo(143);
        // a run that measured this machine starved (baseline p99 at half the request timeout: the generator stalls
        // and may send nothing while the race is open) cannot show the race either way
        boolean raceOpen = raceOpen(report) && !starved(out.resolve("report.json"));
        if (raceOpen) {
            assertThat(report.path("requests").path("failuresByPhase").has("SIGTERM_ENDPOINT_LIVE")).as(r.out())
                    .isTrue();
        } else {
            System.out.println("naive run: the events did not open the race, or the run measured its machine starved ("
                    + t + "): the race checks are left out for this run\n" + r.out());
        }
        assertThat(report.path("steps").findValuesAsText("name")).containsSubsequence("deploy", "traffic", "settle",
                "teardown", "analysis");
        assertThat(Files.list(out.resolve("local").resolve("pods")).count()).isEqualTo(4); // 3 + the replacement
        assertThat(r.out()).contains("verdict    FAILED");
        if (raceOpen) {
            assertThat(r.out()).contains("SIGTERM_ENDPOINT_LIVE");
        }
        DeleteConformance.assertConforms(report);

        // the naive report as a person sees it: findings first, the termination drawn lane by lane, no label over
        // another (measured in Chromium), the race visible in a screenshot
        Path chromium = HostTool.require("chromium", "Debian package chromium");
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html.indexOf("<h2>Findings</h2>")).isLessThan(html.indexOf("<svg id=\"chart\""));
        assertThat(html).contains("<svg id=\"lanes\"");
        if (raceOpen) {
            assertThat(html).contains("id=\"finding-endpoint-race\"", "fixes/endpoint-race.yaml");
        }
        assertThat(RenderedLabels.assertNoOverlap(chromium, out.resolve("report.html"), dir))
                .isGreaterThan(15);
        Path png = dir.resolve("naive.png");
        Headless.run(chromium, dir, "--hide-scrollbars", "--window-size=1200,2400", "--screenshot=" + png,
                out.resolve("report.html").toUri().toString());
        BufferedImage img = ImageIO.read(png.toFile());
        long raceShading = 0;
        long failureDots = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                raceShading += rgb == 0xef9a9a ? 1 : 0;
                failureDots += rgb == 0xc62828 ? 1 : 0;
            }
        }
        if (raceOpen) {
            assertThat(raceShading).as("the stretch in rotation after SIGTERM, shaded on the deleted pod's lane")
                    .isGreaterThan(50);
        }
        assertThat(failureDots).as("failed requests: red bars and dots").isGreaterThan(100);
    }

    /**
     * Whether a run measured this machine starved before any disruption: its baseline p99 at half the load's 5 s
     * request timeout or more (then a timeout is the machine's, not the target's). False when it did not run.
     */
    static boolean starved(Path report) throws Exception {
        if (!Files.exists(report)) {
            return false;
        }
        JsonNode baseline = new ObjectMapper().readTree(report.toFile()).path("requests").path("latencyMs")
                .path("BASELINE");
        return baseline.path("p99").asLong() >= 2_500;
    }

    /**
     * Whether the naive run's race — SIGTERM while the endpoint is still in rotation — was there to be measured: only
     * when the run's events came in the planned order (the kubelet's SIGTERM 100 ms after the deletion, and the pod
     * gone from its port at least four arrivals at 150/s before its endpoint left rotation). On a starved machine the
     * kubelet's thread may run after the rules changed, and then there was no race to find.
     */
    static boolean raceOpen(JsonNode report) {
        JsonNode t = report.path("terminations").get(0);
        long kubeletMs = t.path("sigtermMs").asLong() - t.path("markedMs").asLong();
        // from when the pod surely stopped listening (its exit) to its endpoint leaving rotation
        long raceMs = t.path("outOfRotationMs").asLong() - (t.path("exitMs").asLong(-1) >= 0
                ? t.path("exitMs").asLong() : t.path("sigtermMs").asLong());
        return t.path("sigtermMs").asLong() > 0 && kubeletMs <= 500 && raceMs >= 4 * 1000 / 150;
    }

    /** Whether the run ended INCONCLUSIVE because its load generator could not send the asked rate (exit 3). */
    private static boolean saturated(Cli r, Path out) throws Exception {
        if (r.exitCode() != ExitCodes.ENVIRONMENT || !Files.exists(out.resolve("report.json"))) {
            return false;
        }
        JsonNode verdict = new ObjectMapper().readTree(out.resolve("report.json").toFile()).path("verdict");
        return verdict.path("status").asText().equals("INCONCLUSIVE")
                && verdict.path("reasons").toString().contains("saturated");
    }

    /**
     * The naive example with --verify-fixes: the proposed preStop and readiness fixes, tried, drop nothing. The
     * preStop fix is proposed only by a first run that saw the race ({@link #raceOpen}); a run on a machine too
     * starved to open it is made again (three at most, then the test is skipped with the summary: nothing proven).
     */
    @Test
    void verifyFixesRunsTheNaiveScenarioAgainWithTheProposedFixesAndTheyDropNothing() throws Exception {
        Path out = null;
        Cli r = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            out = dir.resolve("verify-" + attempt);
            r = Cli.run("run", SCENARIOS.resolve("naive-delete.yaml").toString(), "--out", out.toString(), "--seed",
                    String.valueOf(5 + attempt), "--verify-fixes");
            String why = !raceOpen(new ObjectMapper().readTree(out.resolve("report.json").toFile()))
                    ? "the first run's events did not open the race"
                    : starved(out.resolve("verify-fixes/report.json")) ? "the second run measured its own baseline"
                    + " p99 at half the 5 s request timeout or more" : null;
            if (why == null) {
                break;
            }
            System.err.printf("verify-fixes attempt %d: %s (a starved machine); again%n", attempt + 1, why);
            out = null;
        }
        Assumptions.assumeTrue(out != null, "three times in a row, this machine was too starved to open the naive"
                + " race or to run the fixed workload without timeouts of its own; nothing was proven here\n"
                + r.out());
        JsonNode before = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode after = new ObjectMapper().readTree(out.resolve("verify-fixes/report.json").toFile());
        assertThat(before.path("requests").path("failed").asLong()).isPositive();
        assertThat(before.path("findings").findValuesAsText("code")).contains("endpoint-race", "replacement-not-ready");
        assertThat(Files.readString(out.resolve("fixes/endpoint-race.yaml"))).contains("preStop:", "sleep:");
        // the second run had the fixes as settings under test, and dropped nothing
        JsonNode applied = after.at("/header/settings/settingsOverrides");
        assertThat(applied.path("preStopSleepSeconds").asLong()).isPositive();
        assertThat(applied.path("readinessPeriodSeconds").asInt()).isEqualTo(2);
        assertThat(after.at("/header/settings/workload/readinessProbe").asText()).startsWith("tcpSocket :8080");
        assertThat(after.path("requests").path("failed").asLong()).as(r.out()).isZero();
        assertThat(after.path("verdict").path("status").asText()).isEqualTo("PASSED");
        assertThat(r.exitCode()).as("the second run's verdict").isEqualTo(ExitCodes.PASSED);
        assertThat(r.out()).contains("verify-fixes: running again with", "endpoint-race: fixed: no longer found,"
                + " and nothing failed", "replacement-not-ready: fixed");
        JsonNode verification = new ObjectMapper().readTree(out.resolve("fixes/verification.json").toFile());
        assertThat(verification.at("/after/failed").asLong()).isZero();
        assertThat(verification.at("/before/verdict").asText()).isEqualTo("FAILED");
    }
}
