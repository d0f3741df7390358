package io.zerodrop.engine;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.RunMarker;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.Step;
import io.zerodrop.findings.Diagnosis;
import io.zerodrop.findings.Finding;
import io.zerodrop.findings.RunEvidence;
import io.zerodrop.ledger.LedgerSource;
import io.zerodrop.report.ConsoleSummary;
import io.zerodrop.report.RunReport;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.runtime.RuntimeFactory;
import io.zerodrop.scenario.LoadSpec;
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
import io.zerodrop.verdict.Expectations;
import io.zerodrop.verdict.Verdict;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run: the workload up on a runtime, real load through its Service, the disruption steps on schedule after the
 * warm-up, the runtime settled and torn down, then analysis, verdict and reports. Every event lands on one timeline
 * with one clock.
 */
public final class Experiment {
    /** What to run. */
    public record Plan(String title, String command, LoadSpec load, List<Step> steps, Expectations expectations,
            Path outDir, boolean gatlingReport, Map<String, Object> settingsUnderTest) {
    }

    /** What came of it. */
    public record Outcome(RunReport report, List<Path> files, int exitCode, String summary) {
    }

    private Experiment() {
    }


    /**
     * Runs the plan on the runtime {@code factory} makes: this method owns the run's undo registry (with its run
     * marker), its timeline, and the runtime's teardown on success, failure and interrupt.
     */
    public static Outcome runOn(RuntimeFactory factory, Workload workload, Plan plan, PrintWriter err) {
        Timeline timeline = new Timeline();
        Leftovers.removeAndReport(err);
        try (Undo undo = new Undo()) {
            RunMarker.begin(undo);
            CountDownLatch reported = new CountDownLatch(1);
            // on SIGINT/SIGTERM the JVM exits once its hooks end: let it wait for the reports of what was measured
            undo.afterSignal(() -> {
                try {
                    reported.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Teardown teardown = new Teardown(factory.create(timeline, undo));
            try {
                return run(teardown, timeline, undo, workload, plan, err);
            } finally {
                teardown.close();
                reported.countDown();
            }
        }
    }

    /**
     * The runtime's one close: the run's teardown step closes it; should the run break off before that step, the
     * caller's {@code finally} does. A runtime read after its undos ran (pods' metrics after a scale back) would report
     * what the undos did, not what the run measured.
     */
    static final class Teardown implements AutoCloseable {
        private final Runtime runtime;
        private boolean closed;

        Teardown(Runtime runtime) {
            this.runtime = runtime;
        }

        Runtime runtime() {
            return runtime;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                runtime.close();
            }
        }
    }

    /**
     * Runs the plan: deploy, load with the disruptions on schedule, settle, teardown, analysis, verdict, reports.
     * The reports are written whatever happens: a run that breaks off gets an ERROR verdict with the failing step and
     * its cause, and everything measured up to it.
     */
    private static Outcome run(Teardown teardown, Timeline timeline, Undo undo, Workload workload, Plan plan,
            PrintWriter err) {
        Runtime runtime = teardown.runtime();
        long t = System.currentTimeMillis();
        int undosBefore = undo.done().size();
        Map<String, Object> loadInfo = new LinkedHashMap<>();
        Journal journal = new Journal();
        Schedule schedule = new Schedule(plan.steps());
        LoadResult traffic = null;
        boolean partialLoad = false;
        ZerodropException failure = null;
        check(plan);
        try {
            journal.run("deploy", () -> {
                runtime.start(workload, Duration.ofSeconds(90));
                return workload.replicas() + " pods of " + workload.kind() + " " + workload.name() + " ready behind "
                        + runtime.serviceUrl();
            });
            err.printf("zerodrop: %d pods ready behind %s; load: %s at %.0f req/s, %d s warm-up + %d s%n",
                    workload.replicas(), runtime.serviceUrl(), plan.load().simulation(), plan.load().rate(),
                    plan.load().warmupSeconds(), plan.load().durationSeconds());
            TrafficPlan trafficPlan = plan.load().toPlan(runtime.serviceUrl(), plan.outDir(), plan.gatlingReport())
                    .withLauncher(runtime.processLauncher());
            long warmupMs = plan.load().warmupSeconds() * 1000L;
            ProgressPrinter progress = ProgressPrinter.to(err);
            LoadGenerators generators = Loads.of(plan.load(), runtime, undo);
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
                }), r -> "Gatling " + trafficPlan.simulationClass() + (r.logs().size() > 1 ? " on " + r.logs().size()
                        + " load generators, each exited 0" : " exited 0"));
            } finally {
                progress.done();
            }
            schedule.finish(30_000);
            journal.run("settle", () -> {
                if (!runtime.awaitSettled(Duration.ofSeconds(60))) {
                    throw ZerodropException.environment("the workload did not settle within 60 s after the load: "
                            + "not every replica ready, or a pod still terminating");
                }
                return "all replicas ready, no terminating pod left";
            });
        } catch (ZerodropException e) {
            failure = undo.isInterrupted() ? interrupted() : e;
            if (e instanceof LoadInterrupted cut) {
                // what the load measured before the interrupt is kept and reported (the verdict stays ERROR)
                traffic = cut.partial().orElse(null);
                partialLoad = true;
            }
        } catch (RuntimeException e) {
            failure = new ZerodropException(ExitCodes.INTERNAL, "zerodrop bug: " + e, e);
            journal.failed("run", "zerodrop bug: " + e);
        } finally {
            // on SIGINT/SIGTERM the JVM waits only so long for the reports: stop the steps at once
            journal.disruptions(schedule.finish(undo.isInterrupted() ? 1_000 : 30_000));
        }
        Map<String, Object> runtimeInfo = runtime.describe();
        String runtimeName = runtime.name();
        try {
            journal.run("teardown", () -> {
                teardown.close();
                return "every pod stopped, Service address closed";
            });
        } catch (ZerodropException e) {
            failure = failure != null ? failure : e;
        }
        // on SIGINT/SIGTERM the hook runs the undos on its own thread: the journal waits for the last of them
        undo.awaitUndone(15_000);
        undo.done().stream().skip(undosBefore).forEach(journal::undo);

        Measurement.Result m = null;
        if (traffic != null) {
            LoadResult run = traffic;
            // an interrupted load's accounts are cut wherever each side was: no reconciliation, no hidden drops
            LedgerSource ledgers = partialLoad ? last -> List.of() : runtime.ledgerSource();
            try {
                Measurement.RequestLogs ids = new Measurement.RequestLogs(run.clientLogs(), partialLoad ? Map.of()
                        : runtime.requestLogs(), plan.outDir().resolve("requests.tsv"));
                m = journal.run(partialLoad ? "analysis of the load up to the interrupt" : "analysis",
                        () -> Measurement.analyse(run.logs(), timeline,
                        plan.load().warmupSeconds(), plan.load().rate(), ledgers,
                        run.injectionSeenMs(), ids), r -> r.analysis().totalRequests() + " requests decoded, "
                        + r.groundTruth().map(g -> "server accounts read").orElse("no server account") + r.groundTruth()
                        .map(g -> g.exact() != null ? ", joined with " + ids.serverLogs().size()
                                + " request logs by request id (requests.tsv)" : "").orElse(""));
            } catch (ZerodropException e) {
                failure = failure != null ? failure : e;
            }
        }
        Verdict verdict;
        if (failure != null) {
            verdict = Verdict.error(journal.failedStep() + " failed: " + failure.getMessage());
            if (failure.exitCode() != ExitCodes.INTERRUPTED) {
                err.println("zerodrop: " + verdict.reasons().get(0));
                err.flush();
            }
        } else {
            AnalysisResult a = m.analysis();
            List<String> notMeasured = DisruptionCoverage.problems(schedule.runs(), timeline.events(),
                    a.warmupEndMs(), a.lastRequestMs());
            verdict = Verdict.judge(a, plan.expectations(), m.groundTruth().map(g -> g.hiddenDrops()).orElse(null),
                    m.evictions(), notMeasured, m.saturatedGenerators());
        }
        Map<String, Object> settings = new LinkedHashMap<>(plan.settingsUnderTest());
        settings.put("runtime", runtimeInfo);
        settings.put("load", plan.load());
        if (!loadInfo.isEmpty()) {
            settings.put("loadFrom", loadInfo);
        }
        if (traffic != null && !traffic.generators().isEmpty()) {
            settings.put("loadGenerators", generatorRows(traffic.generators(), m != null ? m.generators()
                    : List.of()));
        }
        settings.put("steps", plan.steps().stream().map(s -> s.id() + ": " + s.disruption().describe() + " at +"
                + s.atMs() + " ms" + (s.times() > 1 ? ", every " + s.everyMs() + " ms, " + s.times() + " times" : ""))
                .toList());
        settings.put("expectations", plan.expectations());
        long selfCpuMs = selfCpuMs();
        long wallMs = System.currentTimeMillis() - t;
        journal.add(new io.zerodrop.report.Step("zerodrop-cpu", t, System.currentTimeMillis(),
                io.zerodrop.report.Step.Status.OK, String.format(Locale.ROOT,
                        "zerodrop's own JVM used %.1f s of CPU in %.1f s (%.0f %% of one core); pods and the load"
                                + " generator are separate processes", selfCpuMs / 1000.0, wallMs / 1000.0,
                        100.0 * selfCpuMs / Math.max(1, wallMs))));
        Optional<LoadResult> run = Optional.ofNullable(traffic);
        AnalysisResult analysis = m != null ? m.analysis() : Measurement.nothingMeasured(timeline, plan.load().rate());
        List<Finding> findings = new ArrayList<>();
        if (m != null && !partialLoad) { // no diagnosis from a load cut short
            RunEvidence.Connections connections = Simulations
                    .reusesConnections(plan.load().simulation())
                    .map(pooled -> pooled ? RunEvidence.Connections.POOLED
                            : RunEvidence.Connections.FRESH)
                    .orElse(RunEvidence.Connections.UNKNOWN);
            findings.addAll(Fixes.write(Diagnosis.diagnose(new RunEvidence(
                    timeline.events(), analysis, workload, m.evictions(), connections)), plan.outDir()));
            findings.addAll(m.findings());
        }
        RunReport report = new RunReport(RunInfo.header(plan.command(), runtimeName, workload.kind() + " "
                + workload.name(), m != null ? m.gatling().gatlingVersion() : "(no load ran)", settings),
                journal.steps(), timeline.events(), analysis, m != null ? m.groundTruth() : Optional.empty(),
                List.copyOf(findings), verdict,
                run.flatMap(LoadResult::gatlingReport).map(p -> plan.outDir().relativize(p)
                        .toString()));
        List<Path> files;
        try {
            files = new ArrayList<>(Reports.writeAll(report, plan.title(), "zerodrop." + plan.command(),
                    plan.outDir()));
        } catch (ZerodropException unwritable) {
            if (failure == null) {
                throw unwritable;
            }
            // the run's own cause comes first: the reports that could not be written are said after it
            err.println("zerodrop: " + unwritable.getMessage() + " (the run had already failed: "
                    + verdict.reasons().get(0) + ")");
            err.flush();
            files = new ArrayList<>();
        }
        run.flatMap(LoadResult::gatlingReport).ifPresent(files::add);
        String summary = ConsoleSummary.render(report, plan.title(), files.stream().map(Path::toString).toList());
        return new Outcome(report, files, failure != null ? failure.exitCode() : verdict.exitCode(), summary);
    }

    /** The fleet's account of each generator joined with what the analysis counted of it, by name. */
    static List<Map<String, Object>> generatorRows(List<Map<String, Object>> fleet,
            List<Measurement.GeneratorShare> shares) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> g : fleet) {
            Map<String, Object> row = new LinkedHashMap<>(g);
            shares.stream().filter(s -> s.name().equals(g.get("name"))).findFirst().ifPresent(s -> {
                row.put("requests", s.requests());
                row.put("measured", s.measured());
                row.put("failed", s.failed());
                row.put("achievedRate", Math.round(s.achievedRate() * 10) / 10.0);
                row.put("saturated", s.saturated());
            });
            rows.add(row);
        }
        return rows;
    }

    private static ZerodropException interrupted() {
        return new ZerodropException(ExitCodes.INTERRUPTED, "interrupted (SIGINT or SIGTERM);"
                + " everything zerodrop changed was undone");
    }

    /** A plan whose steps cannot all happen inside the measured load is an input error, before anything starts. */
    static void check(Plan plan) {
        long measuredMs = plan.load().durationSeconds() * 1000L;
        for (Step s : plan.steps()) {
            long last = s.atMs() + (s.times() - 1) * s.everyMs();
            if (last >= measuredMs) {
                throw ZerodropException.usage("step " + s.id() + " is due at +" + last / 1000.0 + " s after the"
                        + " warm-up, but the load lasts " + plan.load().durationSeconds() + " s after it: every"
                        + " occurrence must fall inside the measured load (lengthen the duration or move the step)");
            }
        }
    }

    /** CPU time of this JVM only (not of the pods or the Gatling JVM), in ms; -1 where the JVM cannot tell. */
    static long selfCpuMs() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1_000_000;
        }
        return -1;
    }
}
