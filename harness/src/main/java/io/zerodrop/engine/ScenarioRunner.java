package io.zerodrop.engine;

import io.zerodrop.core.Durations;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.verdict.Expectations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The one way a scenario is run, whichever command asks ({@code run}, {@code demo}, {@code tune},
 * {@code --verify-fixes}; {@code traffic} is the load alone, see {@link #traffic}): the runtime chosen by its provider and prepared (everything refusable refused before
 * anything changes), the output directory made, then the {@link Experiment} pipeline — run marker, undo registry,
 * the runtime's one lifetime, load, schedule, measurement, findings and reports. The commands parse their options,
 * call this and print what it returns.
 */
public final class ScenarioRunner {
    private final PrintWriter err;

    /** {@code err}: where the run's progress goes (the console's standard error). */
    public ScenarioRunner(PrintWriter err) {
        this.err = err;
    }

    /**
     * How one run is asked for beyond the scenario and the request: the runtime's name, the output directory
     * ({@code --out}; null: a fresh zerodrop-out/&lt;time&gt;), the reports' title (null: from the scenario's name),
     * the command the report header names, and whether Gatling's own report is written too.
     */
    public record Options(String runtime, Path out, String title, String command, boolean gatlingReport) {
        /** {@code zerodrop run}'s: output in {@code out} (or a fresh zerodrop-out/&lt;time&gt;). */
        public static Options run(String runtime, Path out, boolean gatlingReport) {
            return new Options(runtime, out, null, "run", gatlingReport);
        }

        /** The same options writing into {@code dir} (a run of several: tune's trials, verify-fixes' second run). */
        public Options into(Path dir) {
            return new Options(runtime, dir, title, command, gatlingReport);
        }
    }

    /**
     * A load against a URL with no workload and no disruption ({@code zerodrop traffic}): {@code url} as given (the
     * report's target), {@code baseUrl} its scheme, host and port (the load's paths are in {@code load}); the
     * servers' accounts from {@code ledgers} (target-app's LEDGER_FILE), if any.
     */
    public record Traffic(String url, String baseUrl, LoadSpec load, Expectations expectations, List<Path> ledgers,
            Path out, boolean gatlingReport) {
        public Traffic {
            ledgers = List.copyOf(ledgers);
        }
    }

    /** Runs the load of {@code traffic} through the pipeline's lifetime, measurement, verdict and reports. */
    public Experiment.Outcome traffic(Traffic traffic) {
        return new TrafficCheck(traffic, err).run();
    }

    /** What {@code --dry-run} prints for the scenario on the runtime the options name; nothing is started. */
    public String dryRun(Scenario s, RunRequest request, Options o) {
        RuntimeProvider provider = RuntimeProvider.named(o.runtime());
        try (PreparedRun prepared = provider.prepare(s, request)) {
            String plan = prepared.dryRunPlan();
            return plan + (plan.isEmpty() || plan.endsWith("\n") ? "" : "\n") + "The workload may take "
                    + Durations.describe(startBudget(s, request, provider).toMillis()) + " to be ready before the load"
                    + " starts (" + startBudgetSource(s, request, provider) + ").\n";
        }
    }

    /** The start budget of a run: the command line's, else the scenario's, else the runtime's default. */
    static Duration startBudget(Scenario s, RunRequest request, RuntimeProvider provider) {
        return request.startBudget() != null ? request.startBudget()
                : s.startBudget() != null ? s.startBudget() : provider.defaultStartBudget();
    }

    private static String startBudgetSource(Scenario s, RunRequest request, RuntimeProvider provider) {
        return request.startBudget() != null ? "--start-budget" : s.startBudget() != null ? "target.startBudget"
                : "the " + provider.name() + " runtime's default; target.startBudget or --start-budget set it";
    }

    /**
     * Runs the scenario once: prepared on the runtime the options name (a refusal changes nothing and makes no
     * directory), its output directory created, the pipeline run to its reports. What came of it, with its exit code.
     */
    public Experiment.Outcome run(Scenario s, RunRequest request, Options o) {
        RuntimeProvider provider = RuntimeProvider.named(o.runtime());
        try (PreparedRun prepared = provider.prepare(s, request)) {
            Path outDir = OutputDirectory.create(o.out(), "--out", "");
            Experiment.Plan plan = new Experiment.Plan(o.title() != null ? o.title() : "zerodrop " + o.command()
                    + " — " + s.name(), o.command(), s.load(), s.toSteps(), s.expectations(), outDir,
                    o.gatlingReport(), prepared.underTest(), startBudget(s, request, provider),
                    prepared.runId().orElse(null));
            return Experiment.runOn(prepared.factory(outDir), prepared.workload(), plan, err);
        }
    }
}
