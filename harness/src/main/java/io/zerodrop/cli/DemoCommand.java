package io.zerodrop.cli;

import io.zerodrop.analysis.PodTermination;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.PodSelector;
import io.zerodrop.engine.Experiment;
import io.zerodrop.engine.OutputDirectory;
import io.zerodrop.engine.RunRequest;
import io.zerodrop.engine.ScenarioRunner;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.workload.ManifestLoader;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code zerodrop demo}: on the local runtime, target-app <em>naive</em> and <em>hardened</em> under the same load
 * and the same pod deletion; both verdicts side by side, with where the reports are.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run target-app naive and hardened on the local runtime under the same load and the same pod "
                + "deletion, and print both verdicts side by side.")
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--manifests", paramLabel = "DIR",
            description = "The manifests directory with overlays/naive and overlays/hardened. "
                    + "Default: <zerodrop home>/manifests.")
    Path manifests;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory, new or empty "
            + "(an earlier run's is refused). Default: zerodrop-out/demo-<time>.")
    Path out;

    @Option(names = "--rate", defaultValue = "150", description = "Requests per second. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for pod selection and jitter. "
            + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() {
        Path dir = manifests != null ? manifests : Path.of(System.getProperty("zerodrop.home", "."), "manifests");
        if (!Files.isDirectory(dir.resolve("overlays/naive")) || !Files.isDirectory(dir.resolve("overlays/hardened"))) {
            throw ZerodropException.usage("--manifests " + dir + " has no overlays/naive and overlays/hardened: point it"
                    + " at zerodrop's manifests directory");
        }
        if (!(rate > 0 && rate <= 2000)) {
            throw ZerodropException.usage("--rate " + rate + " is invalid: expected more than 0 and at most 2000");
        }
        Path outDir = OutputDirectory.create(out, "--out", "demo-");
        PrintWriter err = spec.commandLine().getErr();
        ScenarioRunner runner = new ScenarioRunner(err);
        Map<String, Experiment.Outcome> outcomes = new LinkedHashMap<>();
        for (String variant : List.of("naive", "hardened")) {
            Path overlay = dir.resolve("overlays").resolve(variant);
            Workload w = ManifestLoader.load(overlay);
            err.printf("zerodrop demo: %s — %d replicas, grace %d s, preStop %s, readiness %s, SHUTDOWN_MODE=%s%n",
                    variant, w.replicas(), w.terminationGracePeriodSeconds(),
                    w.preStop().map(p -> p.describe()).orElse("none"),
                    w.readinessProbe().map(p -> p.describe()).orElse("none"), w.env().getOrDefault("SHUTDOWN_MODE", "?"));
            outcomes.put(variant, runner.run(scenario(variant, overlay, rate, seed), new RunRequest(null, seed,
                    List.of(), null, false, null, null, null, null), new ScenarioRunner.Options("local",
                    outDir.resolve(variant), "zerodrop demo — " + variant, "demo", false)));
        }
        PrintWriter o = spec.commandLine().getOut();
        for (Experiment.Outcome oc : outcomes.values()) {
            o.print(oc.summary());
            o.println();
        }
        o.print(sideBySide(outcomes));
        o.flush();
        return exitCode(outcomes, o);
    }

    /**
     * 0 when the demo shows what it should (naive fails, hardened passes); 3 when a variant could not be judged on
     * this machine (INCONCLUSIVE: a saturated generator, a starved baseline; or ERROR), naming which; 1 otherwise.
     */
    static int exitCode(Map<String, Experiment.Outcome> outcomes, PrintWriter o) {
        List<String> unjudged = outcomes.entrySet().stream()
                .filter(e -> e.getValue().exitCode() == ExitCodes.ENVIRONMENT)
                .map(e -> e.getKey() + " (" + e.getValue().report().verdict().status() + ")").toList();
        if (!unjudged.isEmpty()) {
            o.println("zerodrop demo: this machine could not judge " + String.join(" and ", unjudged)
                    + " (its reasons are above): run the demo again on a machine with spare CPU");
            o.flush();
            return ExitCodes.ENVIRONMENT;
        }
        boolean shown = outcomes.get("naive").exitCode() == ExitCodes.VERDICT_FAILED
                && outcomes.get("hardened").exitCode() == ExitCodes.PASSED;
        return shown ? ExitCodes.PASSED : ExitCodes.VERDICT_FAILED;
    }

    /**
     * The demo as a scenario: {@code overlay}'s workload on the local runtime, fresh connections at {@code rate} for
     * 3 s of warm-up and 16 s measured, one random pod deleted 3 s after the warm-up, nothing may drop.
     */
    static Scenario scenario(String variant, Path overlay, double rate, long seed) {
        return new Scenario(null, variant, overlay, "local", null, null, Scenario.Settings.NONE,
                LoadSpec.of("fresh-connections", rate, 3, 16), List.of(new Scenario.StepSpec("delete-1", "delete",
                        PodSelector.random(1, seed), null, Duration.ofSeconds(3), null, 1, null, null, null, 0, null)),
                Expectations.zeroDrops(), Scenario.Local.DEFAULTS, null, null);
    }

    static String sideBySide(Map<String, Experiment.Outcome> outcomes) {
        List<String[]> rows = new ArrayList<>();
        rows.add(row(outcomes, "verdict", oc -> oc.report().verdict().status().name()));
        rows.add(row(outcomes, "dropped", oc -> oc.report().analysis().measuredFailed() + " of "
                + oc.report().analysis().measuredRequests()));
        rows.add(row(outcomes, "failure classes", oc -> join(oc.report().analysis().failuresByClass())));
        rows.add(row(outcomes, "phases", oc -> join(oc.report().analysis().failuresByPhase())));
        rows.add(row(outcomes, "longest burst", oc -> oc.report().analysis().longestFailureBurstMs() + " ms"));
        rows.add(row(outcomes, "deleted pod", oc -> {
            List<PodTermination> ts = oc.report().analysis().terminations();
            if (ts.isEmpty()) {
                return "-";
            }
            PodTermination t = ts.get(0);
            return "exit " + t.exitCode() + " " + (t.exitMs() - t.markedMs()) + " ms after deletion";
        }));
        rows.add(row(outcomes, "report", oc -> oc.files().get(0).toString()));
        StringBuilder sb = new StringBuilder("zerodrop demo: the same load and the same pod deletion\n");
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10) + 2;
        int w1 = Math.max(24, rows.stream().mapToInt(r -> r[1].length()).max().orElse(10) + 2);
        sb.append(String.format(Locale.ROOT, "  %-" + w0 + "s%-" + w1 + "s%s%n", "", "naive", "hardened"));
        for (String[] r : rows) {
            sb.append(String.format(Locale.ROOT, "  %-" + w0 + "s%-" + w1 + "s%s%n", r[0], r[1], r[2]));
        }
        return sb.toString();
    }

    private interface Cell {
        String of(Experiment.Outcome oc);
    }

    private static String[] row(Map<String, Experiment.Outcome> outcomes, String label, Cell cell) {
        return new String[] {label, cell.of(outcomes.get("naive")), cell.of(outcomes.get("hardened"))};
    }

    private static String join(Map<?, Long> m) {
        if (m.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(k).append(' ').append(v).append(", "));
        return b.substring(0, b.length() - 2);
    }
}
