package io.zerodrop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zerodrop.core.AtomicFiles;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.engine.OutputDirectory;
import io.zerodrop.engine.ScenarioRunner;
import io.zerodrop.findings.Margins;
import io.zerodrop.findings.TunePatch;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.scenario.ScenarioLoader;
import io.zerodrop.scenario.Setting;
import io.zerodrop.workload.ManifestLoader;
import io.zerodrop.workload.PreStop;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code zerodrop tune}: the smallest setting that drops nothing, with evidence. Model first where the run can
 * measure what the setting must cover (the lag until routing stopped for preStop, the drain for the grace period): one run gives
 * the recommendation. Otherwise bisection over the candidate values. Then the recommendation is confirmed by
 * {@code --confirm} runs that must all drop nothing — a run that drops moves it one candidate up — and the bound is
 * stated honestly (0 drops in n runs: p(drop) < 1 − 0.05^(1/n) at 95 %).
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = "Find the smallest value of a setting that drops nothing in a scenario, measured, confirmed by"
                + " repeated runs, with the recommendation as a kustomize patch.")
final class TuneCommand implements Callable<Integer> {
    /** The most candidates a search takes; bisection needs about log2 of them in runs. */
    static final int MAX_CANDIDATES = 1000;
    /** The settings {@code --param} takes: {@link Setting#tunableKeys()}; the option's help names each. */
    static final List<String> PARAMS = Setting.tunableKeys();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "The scenario file (YAML).")
    Path scenarioFile;

    @Option(names = "--param", required = true, paramLabel = "NAME", description = "The setting to tune: "
            + "preStopSleepSeconds, terminationGracePeriodSeconds, readinessPeriodSeconds, readinessFailureThreshold,"
            + " replicas, maxSurge, maxUnavailable.")
    String param;

    @Option(names = "--values", split = ",", paramLabel = "V", description = "Candidate values, in order.")
    List<String> values;

    @Option(names = "--range", paramLabel = "LOW..HIGH", description = "Candidate whole numbers LOW to HIGH (step 1)."
            + " Default for seconds: 0..30.")
    String range;

    @Option(names = "--confirm", defaultValue = "3", paramLabel = "N", description = "Runs that must all drop nothing"
            + " at the recommendation. Default: ${DEFAULT-VALUE}.")
    int confirm;

    @Option(names = "--max-runs", defaultValue = "12", paramLabel = "N", description = "Give up after this many runs."
            + " Default: ${DEFAULT-VALUE}.")
    int maxRuns;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory, new or empty. Default:"
            + " zerodrop-out/<time>.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the first run; run k uses seed + k.")
    long seed;

    @Option(names = "--runtime", paramLabel = "local|kubernetes", description = "Overrides the scenario's runtime.")
    String runtime;

    @Option(names = "--image", paramLabel = "IMAGE=COMMAND", description = "Local runtime: as for run.")
    List<String> images = new ArrayList<>();

    @Option(names = "--url", paramLabel = "URL", description = "Kubernetes runtime: as for run.")
    String url;

    @CommandLine.Mixin
    StartBudgetOption startBudget = new StartBudgetOption();

    @CommandLine.Mixin
    ClusterOptionsMixin cluster = new ClusterOptionsMixin();

    @CommandLine.ArgGroup(exclusive = false, heading = "Load from inside the cluster:%n")
    LoadFromOptions loadFrom = new LoadFromOptions();

    /** One run: the value tried, what failed, what was measured. */
    record Trial(int index, String value, String purpose, long failed, String verdict, long lagMaxMs, long drainMaxMs,
            Path dir) {
        /** Whether the run was judged (PASSED or FAILED); otherwise {@code failed} is -1 and means nothing. */
        boolean judged() {
            return failed >= 0;
        }
    }

    @Override
    public Integer call() {
        Setting setting = Setting.named(param).filter(Setting::tunable).orElseThrow(() -> ZerodropException.usage(
                "--param \"" + param + "\" is invalid: expected one of " + PARAMS));
        if (confirm < 1 || maxRuns < 2) {
            throw ZerodropException.usage("--confirm must be at least 1 and --max-runs at least 2");
        }
        List<String> candidates = candidates();
        startBudget.get(); // refused before anything starts
        LoadFromOptions origin = loadFrom != null ? loadFrom : new LoadFromOptions();
        Scenario base = origin.apply(ScenarioLoader.load(scenarioFile, seed));
        String where = runtime != null ? runtime : base.runtime();
        Path dir = OutputDirectory.create(out, "--out", "");
        ScenarioRunner runner = new ScenarioRunner(spec.commandLine().getErr());
        ScenarioRunner.Options options = ScenarioRunner.Options.run(where, null, false);
        PrintWriter o = spec.commandLine().getOut();
        CountDownLatch written = new CountDownLatch(1);
        Thread holdExit = holdExitUntil(written);
        TuneTrials trial = new TuneTrials(setting, maxRuns, k -> origin.apply(ScenarioLoader.load(scenarioFile, seed + k)),
                k -> cluster.request(scenarioFile, seed + k, images, url, false, startBudget.get()), runner, options,
                dir, o);
        String recommended = null;
        String how = "";
        String note = "";
        try {
            int at;
            boolean preStop = setting == Setting.PRE_STOP_SLEEP_SECONDS;
            if (preStop || setting == Setting.TERMINATION_GRACE_PERIOD_SECONDS) {
                // model first: one run at the lowest candidate measures what the setting must cover
                Trial first = trial.apply(candidates.get(0), "measure");
                long need = preStop ? seconds(first.lagMaxMs())
                        : seconds(first.drainMaxMs()) + Long.parseLong(currentPreStop(base));
                at = first.failed() == 0 && need <= 0 ? 0 : indexAtLeast(candidates, Math.max(need, 0));
                if (at >= candidates.size()) {
                    throw new GiveUp("the model run measured a need of " + need + " s, above the largest candidate "
                            + candidates.get(candidates.size() - 1) + ": give a --range or --values that reaches it");
                }
                how = "model: " + (preStop ? "max lag until routing stopped " + first.lagMaxMs() + " ms"
                        : "max drain " + first.drainMaxMs() + " ms + preStop") + " + margin max(500 ms, 25 %), rounded up";
            } else {
                at = bisect(candidates, trial);
                how = "bisection over " + candidates;
            }
            recommended = confirmFrom(candidates, at, confirm, trial);
        } catch (GiveUp g) {
            note = g.getMessage();
        }
        try {
            int code = report(dir, base, setting, trial.done(), recommended, how, note, o);
            return trial.interrupted() ? ExitCodes.INTERRUPTED : trial.notJudged() ? ExitCodes.ENVIRONMENT : code;
        } finally {
            written.countDown();
            try {
                java.lang.Runtime.getRuntime().removeShutdownHook(holdExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it has just been released
            }
        }
    }

    /**
     * On SIGINT or SIGTERM the JVM exits once its shutdown hooks end: the hook added here holds it until
     * {@code written} counts down (tune.json written), 30 s at most.
     */
    private static Thread holdExitUntil(CountDownLatch written) {
        Thread holdExit = new Thread(() -> {
            try {
                written.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "zerodrop-tune-report");
        java.lang.Runtime.getRuntime().addShutdownHook(holdExit);
        return holdExit;
    }

    /** Thrown when the search cannot go on: the report says why. */
    static final class GiveUp extends RuntimeException {
        GiveUp(String why) {
            super(why);
        }
    }

    private List<String> candidates() {
        if (values != null && !values.isEmpty()) {
            List<String> given = values.stream().map(String::trim).toList();
            for (String v : given) {
                String problem = Scenario.Settings.problem(param, v);
                if (problem != null) {
                    throw ZerodropException.usage("--values: \"" + v + "\" is not a value of " + param + ": " + problem);
                }
            }
            if (given.stream().distinct().count() < given.size()) {
                throw ZerodropException.usage("--values " + String.join(",", given) + " names a value twice");
            }
            return given;
        }
        String r = range != null ? range : param.endsWith("Seconds") ? "0..30" : null;
        if (r == null || !r.matches("\\d{1,9}\\.\\.\\d{1,9}")) {
            throw ZerodropException.usage(r == null ? "--param " + param + " needs --values or --range"
                    : "--range \"" + r + "\" is invalid: expected LOW..HIGH, whole numbers");
        }
        int lo = Integer.parseInt(r.substring(0, r.indexOf('.')));
        int hi = Integer.parseInt(r.substring(r.lastIndexOf('.') + 1));
        if (hi < lo) {
            throw ZerodropException.usage("--range \"" + r + "\" is empty");
        }
        for (int bound : new int[] {lo, hi}) {
            String problem = Scenario.Settings.problem(param, String.valueOf(bound));
            if (problem != null) {
                throw ZerodropException.usage("--range \"" + r + "\": " + bound + " is not a value of " + param + ": "
                        + problem);
            }
        }
        if (hi - lo + 1 > MAX_CANDIDATES) {
            throw ZerodropException.usage("--range \"" + r + "\" has " + (hi - lo + 1L) + " candidates; at most "
                    + MAX_CANDIDATES + " (every run takes the scenario's whole duration): narrow it or give --values");
        }
        List<String> out = new ArrayList<>();
        for (int i = lo; i <= hi; i++) {
            out.add(String.valueOf(i));
        }
        return out;
    }

    private static int indexAtLeast(List<String> candidates, long need) {
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).matches("\\d+") && Long.parseLong(candidates.get(i)) >= need) {
                return i;
            }
        }
        return candidates.size();
    }

    /** Lag or drain + margin, in whole seconds rounded up, as the findings do it; -1 when not measured. */
    static long seconds(long ms) {
        return Margins.seconds(ms);
    }

    private String currentPreStop(Scenario s) {
        if (s.settings().preStopSleepSeconds() != null) {
            return String.valueOf(s.settings().preStopSleepSeconds());
        }
        if (s.manifests() == null) {
            return "0";
        }
        return String.valueOf(ManifestLoader.load(s.manifests()).preStop().map(PreStop::seconds)
                .orElse(0L));
    }

    /**
     * Confirmation: {@code n} runs at the candidate must all drop nothing; a run that drops moves it one candidate up
     * and the confirmation starts over. Throws {@link GiveUp} past the last candidate.
     */
    static String confirmFrom(List<String> candidates, int at, int n,
            BiFunction<String, String, Trial> trial) {
        while (true) {
            if (at < 0 || at >= candidates.size()) {
                throw new GiveUp("no candidate up to " + candidates.get(candidates.size() - 1) + " dropped nothing");
            }
            boolean clean = true;
            for (int i = 0; i < n && clean; i++) {
                clean = trial.apply(candidates.get(at), "confirm " + (i + 1) + "/" + n).failed() == 0;
            }
            if (clean) {
                return candidates.get(at);
            }
            at++;
        }
    }

    /** The smallest candidate that dropped nothing in one run each, assuming more is never worse. */
    static int bisect(List<String> candidates, BiFunction<String, String, Trial> trial) {
        int lo = 0;
        int hi = candidates.size() - 1;
        if (trial.apply(candidates.get(hi), "bisect").failed() > 0) {
            return -1;
        }
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (trial.apply(candidates.get(mid), "bisect").failed() == 0) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private int report(Path dir, Scenario base, Setting setting, List<Trial> trials, String recommended, String how,
            String note, PrintWriter o) {
        int n = recommended == null ? 0 : (int) trials.stream().filter(t -> t.value().equals(recommended)
                && t.purpose().startsWith("confirm")).count();
        String bound = n == 0 ? "" : String.format(Locale.ROOT, "0 drops in %d runs: p(drop) < %.1f %% at 95 %%"
                + " confidence (1 − 0.05^(1/%d))", n, 100 * (1 - Math.pow(0.05, 1.0 / n)), n);
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("param", param);
        json.put("recommended", recommended);
        json.put("method", how);
        json.put("bound", bound);
        json.put("note", note);
        ArrayNode rows = json.putArray("runs");
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "  %-4s %-10s %-12s %8s %-13s %10s %10s%n", "run", "value", "purpose",
                "failed", "verdict", "lag ms", "drain ms"));
        for (Trial t : trials) {
            ObjectNode row = rows.addObject().put("run", t.index()).put("value", t.value()).put("purpose", t.purpose());
            if (t.judged()) {
                row.put("failed", t.failed());
            } else {
                row.putNull("failed"); // not judged: no count to tell
            }
            row.put("verdict", t.verdict()).put("routingLagMaxMs", t.lagMaxMs())
                    .put("drainMaxMs", t.drainMaxMs()).put("reports", dir.relativize(t.dir()).toString());
            table.append(String.format(Locale.ROOT, "  %-4d %-10s %-12s %8s %-13s %10d %10d%n", t.index(), t.value(),
                    t.purpose(), t.judged() ? String.valueOf(t.failed()) : "-", t.verdict(), t.lagMaxMs(),
                    t.drainMaxMs()));
        }
        String patch = null;
        if (recommended != null && base.manifests() != null) {
            // the patch applies to the manifests as written, not as the scenario's settings changed them
            patch = TunePatch.of(ManifestLoader.load(base.manifests()), setting, recommended, param + " "
                    + recommended + " dropped nothing; " + bound);
        }
        try {
            AtomicFiles.writeString(dir.resolve("tune.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(json));
            if (patch != null) {
                Files.createDirectories(dir.resolve("fixes"));
                Files.writeString(dir.resolve("fixes/tune.yaml"), patch);
            }
            AtomicFiles.writeString(dir.resolve("report.html"), TuneReport.html(param, trials, recommended, how, bound, note,
                    patch));
        } catch (IOException e) {
            throw ZerodropException.environment("cannot write the tune report in " + dir + ": " + e.getMessage(), e);
        }
        o.println();
        o.println("zerodrop tune — " + param + " for " + base.name());
        o.print(table);
        if (recommended != null) {
            o.println("  recommended " + param + " = " + recommended + " (" + how + "; " + bound + ")");
            o.println("  patch      " + (patch != null ? dir.resolve("fixes/tune.yaml") : "(none: no manifests)"));
        } else {
            o.println("  no recommendation: " + note);
        }
        o.println("  reports    " + dir.resolve("report.html") + "  " + dir.resolve("tune.json"));
        o.flush();
        return recommended != null ? ExitCodes.PASSED : ExitCodes.VERDICT_FAILED;
    }
}
