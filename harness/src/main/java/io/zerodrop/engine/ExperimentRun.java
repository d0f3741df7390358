package io.zerodrop.engine;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.Step;
import io.zerodrop.findings.Diagnosis;
import io.zerodrop.findings.Finding;
import io.zerodrop.findings.RunEvidence;
import io.zerodrop.ledger.LedgerSource;
import io.zerodrop.report.JournalEntry;
import io.zerodrop.report.RunReport;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.traffic.LoadGenerators;
import io.zerodrop.traffic.LoadInterrupted;
import io.zerodrop.traffic.LoadResult;
import io.zerodrop.traffic.Progress;
import io.zerodrop.traffic.ProgressPrinter;
import io.zerodrop.traffic.Simulations;
import io.zerodrop.traffic.TrafficListener;
import io.zerodrop.traffic.TrafficPlan;
import io.zerodrop.verdict.DisruptionCoverage;
import io.zerodrop.verdict.Verdict;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One run's state as it passes through the pipeline's phases, each a method — deploy, load under the disruptions,
 * settle, teardown, measurement, verdict, reports — holding what was measured and what failed first (the failure
 * reported; later ones are its consequences). {@link Experiment#runOn} calls the phases in order.
 */
final class ExperimentRun {
    private final Experiment.Teardown teardown;
    private final Runtime runtime;
    private final Timeline timeline;
    private final Undo undo;
    private final Workload workload;
    private final Experiment.Plan plan;
    private final PrintWriter err;
    private final long startMs;
    private final int undosBefore;
    private final Map<String, Object> loadInfo = new LinkedHashMap<>();
    private final Journal journal;
    private final Experiment.Wiring wiring;
    private final Schedule schedule;
    private LoadResult traffic;
    private boolean partialLoad;
    private ZerodropException failure;
    private Measurement.Result measured;

    ExperimentRun(Experiment.Teardown teardown, Timeline timeline, Undo undo, Workload workload, Experiment.Plan plan,
            PrintWriter err, Experiment.Wiring wiring) {
        this.teardown = teardown;
        this.wiring = wiring;
        this.startMs = timeline.nowMs();
        this.journal = new Journal(timeline.clock());
        this.runtime = teardown.runtime();
        this.timeline = timeline;
        this.undo = undo;
        this.workload = workload;
        this.plan = plan;
        this.err = err;
        this.undosBefore = undo.done().size();
        this.schedule = new Schedule(plan.steps());
    }

    /** The first failure of the run is the one reported; later ones are consequences. */
    private void failed(ZerodropException e) {
        failure = failure != null ? failure : e;
    }

    /** Deploy, the load with the disruptions on schedule, settle; a break-off keeps what the load measured. */
    void loadUnderDisruption() {
        try {
            deploy();
            load();
            schedule.finish(30_000);
            settle();
        } catch (ZerodropException e) {
            failed(undo.isInterrupted() ? Experiment.interrupted() : e);
            if (e instanceof LoadInterrupted cut) {
                // what the load measured before the interrupt is kept and reported (the verdict stays ERROR)
                traffic = cut.partial().orElse(null);
                partialLoad = true;
            }
        } catch (RuntimeException e) {
            failed(new ZerodropException(ExitCodes.INTERNAL, "zerodrop bug: " + e, e));
            journal.failed("run", "zerodrop bug: " + e);
        } finally {
            // on SIGINT/SIGTERM the JVM waits only so long for the reports: stop the steps at once
            journal.disruptions(schedule.finish(undo.isInterrupted() ? 1_000 : 30_000));
        }
    }

    private void deploy() {
        journal.run("deploy", () -> {
            runtime.start(workload, plan.startBudget());
            return workload.replicas() + " pods of " + workload.kind() + " " + workload.name() + " ready behind "
                    + runtime.serviceUrl();
        });
        err.printf("zerodrop: %d pods ready behind %s; load: %s at %.0f req/s, %d s warm-up + %d s%n",
                workload.replicas(), runtime.serviceUrl(), plan.load().simulation(), plan.load().rate(),
                plan.load().warmupSeconds(), plan.load().durationSeconds());
    }

    /** The load, with the schedule started when the generators' injection is seen to start. */
    private void load() {
        TrafficPlan trafficPlan = plan.load().toPlan(runtime.serviceUrl(), plan.outDir(), plan.gatlingReport())
                .withLauncher(runtime.processLauncher());
        long warmupMs = plan.load().warmupSeconds() * 1000L;
        ProgressPrinter progress = ProgressPrinter.to(err);
        LoadGenerators generators = wiring.loads().of(plan.load(), runtime, undo);
        loadInfo.putAll(generators.describe());
        try {
            traffic = journal.run("traffic", () -> generators.run(trafficPlan, new TrafficListener() {
                @Override
                public void injectionStarted(long seenMs) {
                    schedule.start(seenMs + warmupMs, runtime, timeline, err);
                }

                @Override
                public void progress(Progress p) {
                    progress.print(p);
                }

                @Override
                public void generatorLost(String name, String why) {
                    progress.done();
                    err.println("zerodrop: " + why.replace("\n", "\n    ") + "\nzerodrop: load generator " + name
                            + " died; the others go on, and what it sent until now is kept");
                    err.flush();
                }
            }), r -> "Gatling " + trafficPlan.simulationClass() + (r.logs().size() > 1 || !r.lostGenerators()
                    .isEmpty() ? " on " + r.generators().size() + " load generators, " + (r.lostGenerators().isEmpty()
                    ? "each exited 0" : r.lostGenerators().size() + " died during the load: " + String.join("; ",
                    r.lostGenerators())) : " exited 0"));
        } finally {
            progress.done();
        }
    }

    private void settle() {
        journal.run("settle", () -> {
            if (!runtime.awaitSettled(Duration.ofSeconds(60))) {
                throw ZerodropException.environment("the workload did not settle within 60 s after the load: "
                        + "not every replica ready, or a pod still terminating");
            }
            return "all replicas ready, no terminating pod left";
        });
    }

    /** The runtime closed (its undos run), and every undo of the run listed in the journal. */
    void tearDown() {
        try {
            journal.run("teardown", () -> {
                teardown.close();
                return "every pod stopped, Service address closed";
            });
        } catch (ZerodropException e) {
            failed(e);
        }
        // on SIGINT/SIGTERM the hook runs the undos on its own thread: the journal waits for the last of them
        undo.awaitUndone(15_000);
        undo.done().stream().skip(undosBefore).forEach(journal::undo);
    }

    /** The load's logs decoded and joined with the servers' accounts; nothing when no load ran. */
    void measure() {
        if (traffic == null) {
            return;
        }
        LoadResult run = traffic;
        // an interrupted load's accounts are cut wherever each side was: no reconciliation, no hidden drops
        LedgerSource ledgers = partialLoad ? last -> List.of() : runtime.ledgerSource();
        try {
            Measurement.RequestLogs ids = new Measurement.RequestLogs(run.clientLogs(), partialLoad ? Map.of()
                    : runtime.requestLogs(), plan.outDir().resolve("requests.tsv"), runtime.routingAllowance(),
                    !Simulations.reusesConnections(plan.load().simulation()).orElse(true));
            measured = journal.run(partialLoad ? "analysis of the load up to the interrupt" : "analysis",
                    () -> Measurement.analyse(run.logs(), timeline,
                    plan.load().warmupSeconds(), plan.load().rate(), ledgers,
                    run.injectionSeenMs(), ids), r -> r.analysis().totalRequests() + " requests decoded, "
                    + r.groundTruth().map(g -> "server accounts read").orElse("no server account") + r.groundTruth()
                    .map(g -> g.exact() != null ? ", joined with " + ids.serverLogs().size()
                            + " request logs by request id (requests.tsv)" : "").orElse(""));
        } catch (ZerodropException e) {
            failed(e);
        }
    }

    /** ERROR with the failing step when the run broke off; otherwise judged against the expectations. */
    Verdict judge() {
        if (failure != null) {
            Verdict verdict = Verdict.error(journal.failedStep() + " failed: " + failure.getMessage());
            if (failure.exitCode() != ExitCodes.INTERRUPTED) {
                err.println("zerodrop: " + verdict.reasons().get(0));
                err.flush();
            }
            return verdict;
        }
        AnalysisResult a = measured.analysis();
        List<String> notMeasured = DisruptionCoverage.problems(schedule.runs(), timeline.events(),
                a.warmupEndMs(), a.lastRequestMs());
        return Verdict.judge(a, plan.expectations(), measured.groundTruth().map(g -> g.hiddenDrops())
                .orElse(null), measured.evictions(), notMeasured, measured.saturatedGenerators(),
                traffic != null ? traffic.lostGenerators() : List.of(), plan.load().requestTimeoutMs(),
                plan.load().connectTimeoutMs());
    }

    /** The report header's settings: what was under test, the runtime, the load, the steps, the expectations. */
    private Map<String, Object> settings(Map<String, Object> runtimeInfo) {
        Map<String, Object> settings = new LinkedHashMap<>(plan.settingsUnderTest());
        settings.put("runtime", runtimeInfo);
        settings.put("load", plan.load());
        if (!loadInfo.isEmpty()) {
            settings.put("loadFrom", loadInfo);
        }
        if (traffic != null && !traffic.generators().isEmpty()) {
            settings.put("loadGenerators", Experiment.generatorRows(traffic.generators(), measured != null
                    ? measured.generators() : List.of()));
        }
        settings.put("steps", plan.steps().stream().map(s -> s.id() + ": " + s.disruption().describe() + " at +"
                + s.atMs() + " ms" + (s.times() > 1 ? ", every " + s.everyMs() + " ms, " + s.times() + " times"
                : "")).toList());
        settings.put("expectations", plan.expectations());
        return settings;
    }

    /** The diagnosis of a whole load (none of a load cut short) and the measurement's own findings. */
    private List<Finding> findings(AnalysisResult analysis) {
        List<Finding> findings = new ArrayList<>();
        if (measured != null && !partialLoad) {
            RunEvidence.Connections connections = Simulations.reusesConnections(plan.load().simulation())
                    .map(pooled -> pooled ? RunEvidence.Connections.POOLED : RunEvidence.Connections.FRESH)
                    .orElse(RunEvidence.Connections.UNKNOWN);
            findings.addAll(Fixes.write(Diagnosis.diagnose(new RunEvidence(timeline.events(), analysis, workload,
                    measured.evictions(), connections)), plan.outDir()));
            findings.addAll(measured.findings());
        }
        return findings;
    }

    /** zerodrop's own CPU over the run, as a journal line (pods and generators are other processes). */
    private void ownCpu() {
        long selfCpuMs = Experiment.selfCpuMs();
        long endMs = timeline.nowMs();
        long wallMs = endMs - startMs;
        journal.add(new JournalEntry("zerodrop-cpu", startMs, endMs,
                JournalEntry.Status.OK, String.format(Locale.ROOT,
                        "zerodrop's own JVM used %.1f s of CPU in %.1f s (%.0f %% of one core); pods and the load"
                                + " generator are separate processes", selfCpuMs / 1000.0, wallMs / 1000.0,
                        100.0 * selfCpuMs / Math.max(1, wallMs))));
    }

    /** The reports written (the run's own failure said before any that could not be), and the console summary. */
    Experiment.Outcome report(Verdict verdict, String runtimeName, Map<String, Object> runtimeInfo) {
        Map<String, Object> settings = settings(runtimeInfo);
        ownCpu();
        Optional<LoadResult> run = Optional.ofNullable(traffic);
        AnalysisResult analysis = measured != null ? measured.analysis()
                : Measurement.nothingMeasured(timeline, plan.load().rate());
        RunReport report = new RunReport(RunInfo.header(plan.command(), runtimeName, workload.kind() + " "
                + workload.name(), measured != null ? measured.gatling().gatlingVersion() : "(no load ran)",
                settings), journal.steps(), timeline.events(), analysis, measured != null
                ? measured.groundTruth() : Optional.empty(), List.copyOf(findings(analysis)), verdict,
                run.flatMap(LoadResult::gatlingReport).map(p -> plan.outDir().relativize(p).toString()));
        return Reports.outcome(report, plan.title(), plan.command(), plan.outDir(),
                run.flatMap(LoadResult::gatlingReport), failure, failure != null ? failure.exitCode()
                : verdict.exitCode(), err);
    }
}
