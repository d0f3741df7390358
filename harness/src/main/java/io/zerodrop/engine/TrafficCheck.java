package io.zerodrop.engine;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.RunId;
import io.zerodrop.core.Undo;
import io.zerodrop.gatling.SimulationLogException;
import io.zerodrop.ledger.LedgerSource;
import io.zerodrop.report.JournalEntry;
import io.zerodrop.report.RunReport;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.traffic.LoadInterrupted;
import io.zerodrop.traffic.LoadResult;
import io.zerodrop.traffic.ProgressPrinter;
import io.zerodrop.traffic.Simulations;
import io.zerodrop.traffic.SingleGenerator;
import io.zerodrop.traffic.TrafficListener;
import io.zerodrop.traffic.TrafficPlan;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.verdict.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code zerodrop traffic} through the run pipeline's parts: the same run lifetime ({@link RunLifetime}), the load
 * from one generator on this host as a run's load from this host, the same measurement, verdict and reports. There is
 * no workload and nothing to disrupt, so it has no deploy, schedule, settle, teardown or diagnosis phase; the servers'
 * accounts come from the ledger files given, if any.
 */
final class TrafficCheck {
    private final ScenarioRunner.Traffic request;
    private final PrintWriter err;
    private final long startMs = System.currentTimeMillis();
    private final Timeline timeline = new Timeline();
    private final Journal journal = new Journal();

    TrafficCheck(ScenarioRunner.Traffic request, PrintWriter err) {
        this.request = request;
        this.err = err;
    }

    Experiment.Outcome run() {
        Path outDir = OutputDirectory.create(request.out(), "--out", "");
        TrafficPlan plan = request.load().toPlan(request.baseUrl(), outDir, request.gatlingReport());
        return RunLifetime.live(err, RunId.next(), undo -> {
            LoadSpec load = request.load();
            err.printf("zerodrop: %s at %.0f req/s against %s for %d s (+%d s warm-up)%n",
                    Simulations.label(plan.simulationClass()), load.rate(), request.baseUrl(),
                    load.durationSeconds(), load.warmupSeconds());
            Optional<LoadResult> measuredLoad;
            boolean interrupted = false;
            try {
                measuredLoad = Optional.of(load(plan, undo));
            } catch (LoadInterrupted cut) {
                measuredLoad = cut.partial();
                interrupted = true;
            }
            return report(outDir, plan, measuredLoad, interrupted);
        });
    }

    private LoadResult load(TrafficPlan plan, Undo undo) {
        long t0 = System.currentTimeMillis();
        ProgressPrinter progress = ProgressPrinter.to(err);
        try {
            LoadResult r = new SingleGenerator(undo).run(plan, TrafficListener.ofProgress(progress::print));
            journal.add(new JournalEntry("traffic", t0, System.currentTimeMillis(), JournalEntry.Status.OK, "Gatling "
                    + plan.simulationClass() + " exited 0; log " + r.logs().get(0).log()));
            return r;
        } catch (LoadInterrupted cut) {
            journal.add(new JournalEntry("traffic", t0, System.currentTimeMillis(), JournalEntry.Status.FAILED, "interrupted"
                    + " (SIGINT or SIGTERM); the load up to then is kept"));
            throw cut;
        } finally {
            progress.done();
        }
    }

    /** Analysis, verdict and reports of the load, whole or cut short by an interrupt (then exit 130). */
    private Experiment.Outcome report(Path outDir, TrafficPlan plan, Optional<LoadResult> load, boolean interrupted) {
        long a0 = System.currentTimeMillis();
        LoadSpec spec = request.load();
        Measurement.Result m = null;
        try {
            if (load.isPresent()) {
                m = Measurement.analyse(load.get().logs(), timeline, spec.warmupSeconds(), spec.rate(),
                        interrupted || request.ledgers().isEmpty() ? null
                                : LedgerSource.files(request.ledgers(), Measurement.LEDGER_WAIT_MS), -1, null);
            }
        } catch (SimulationLogException nothingWritten) {
            if (!interrupted) {
                throw nothingWritten;
            }
            // stopped before Gatling had written its first record: nothing was measured
        }
        AnalysisResult analysis = m != null ? m.analysis() : Measurement.nothingMeasured(timeline, spec.rate());
        journal.add(new JournalEntry(interrupted ? "analysis of the load up to the interrupt" : "analysis", a0,
                System.currentTimeMillis(), JournalEntry.Status.OK, analysis.totalRequests() + " requests decoded"));
        if (analysis.firstRequestMs() > 0) {
            err.printf("zerodrop: first request sent %d ms after zerodrop started%n",
                    analysis.firstRequestMs() - startMs);
        }
        Verdict verdict = interrupted ? Verdict.error("traffic interrupted (SIGINT or SIGTERM): the load was stopped"
                + " early; what it measured until then is reported, not judged") : Verdict.judge(analysis,
                request.expectations(), m.groundTruth().map(g -> g.hiddenDrops()).orElse(null));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("simulation", plan.simulationClass());
        settings.putAll(plan.properties());
        settings.put("requestTimeoutMs", spec.requestTimeoutMs());
        settings.put("connectTimeoutMs", spec.connectTimeoutMs());
        settings.put("expectations", request.expectations());
        Optional<Path> gatling = load.flatMap(LoadResult::gatlingReport);
        boolean whole = m != null && !interrupted;
        RunReport report = new RunReport(RunInfo.header("traffic", "none (traffic only, no disruption)",
                request.url(), m != null ? m.gatling().gatlingVersion() : "(no load ran)", settings), journal.steps(),
                timeline.events(), analysis, whole ? m.groundTruth() : Optional.empty(), whole ? m.findings()
                : List.of(), verdict, gatling.map(p -> outDir.relativize(p).toString()));
        Experiment.Outcome outcome = Reports.outcome(report, "zerodrop traffic — " + request.url(), "traffic",
                outDir, gatling, null, interrupted ? ExitCodes.INTERRUPTED : verdict.exitCode(), err);
        err.printf("zerodrop: %s in %.1f s%n", interrupted ? "interrupted" : "done",
                (System.currentTimeMillis() - startMs) / 1000.0);
        err.flush();
        return outcome;
    }
}
