package io.zerodrop.engine;

import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.Step;
import io.zerodrop.report.ConsoleSummary;
import io.zerodrop.report.RunReport;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.traffic.Progress;
import io.zerodrop.traffic.TrafficPlan;
import io.zerodrop.traffic.TrafficRun;
import io.zerodrop.traffic.TrafficRunner;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.verdict.Verdict;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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
     * Runs the plan on a fresh local runtime that this method owns: its undo registry, its timeline, and its
     * teardown on success, failure and interrupt.
     */
    public static Outcome runLocal(io.zerodrop.runtime.local.LocalSettings settings, Workload workload, Plan plan,
            PrintWriter err) {
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            io.zerodrop.runtime.local.LocalRuntime rt = new io.zerodrop.runtime.local.LocalRuntime(settings, timeline,
                    undo);
            try {
                return run(rt, timeline, undo, workload, plan, err);
            } finally {
                rt.close();
            }
        }
    }

    public static Outcome run(Runtime runtime, Timeline timeline, Undo undo, Workload workload, Plan plan,
            PrintWriter err) {
        List<io.zerodrop.report.Step> journal = new ArrayList<>();
        long t = System.currentTimeMillis();
        runtime.start(workload, Duration.ofSeconds(90));
        journal.add(new io.zerodrop.report.Step("deploy", t, System.currentTimeMillis(), io.zerodrop.report.Step.Status.OK,
                workload.replicas() + " pods of " + workload.kind() + " " + workload.name() + " ready behind "
                        + runtime.serviceUrl()));
        err.printf("zerodrop: %d pods ready behind %s; load: %s at %.0f req/s, %d s warm-up + %d s%n",
                workload.replicas(), runtime.serviceUrl(), plan.load().simulation(), plan.load().rate(),
                plan.load().warmupSeconds(), plan.load().durationSeconds());

        TrafficPlan traffic = plan.load().toPlan(runtime.serviceUrl(), plan.outDir(), plan.gatlingReport())
                .withLauncher(runtime.processLauncher());
        CountDownLatch warmedUp = new CountDownLatch(1);
        long warmupMs = plan.load().warmupSeconds() * 1000L;
        AtomicReference<TrafficRun> run = new AtomicReference<>();
        AtomicReference<RuntimeException> trafficFailure = new AtomicReference<>();
        Thread load = new Thread(() -> {
            try {
                run.set(new TrafficRunner(undo).run(traffic, p -> {
                    if (p.elapsedMs() >= warmupMs) {
                        warmedUp.countDown();
                    }
                    progress(err, p);
                }));
            } catch (RuntimeException e) {
                trafficFailure.set(e);
            } finally {
                warmedUp.countDown();
            }
        }, "zerodrop-traffic");
        long trafficStart = System.currentTimeMillis();
        load.start();
        ExecutorService disruptions = Executors.newCachedThreadPool();
        List<String> disruptionErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            warmedUp.await();
            long base = System.currentTimeMillis();
            for (Step step : plan.steps()) {
                for (int i = 0; i < step.times(); i++) {
                    long at = base + step.atMs() + i * step.everyMs();
                    String id = step.times() == 1 ? step.id() : step.id() + "#" + (i + 1);
                    disruptions.submit(() -> {
                        sleepUntil(at);
                        if (!load.isAlive()) {
                            return;
                        }
                        try {
                            err.printf("zerodrop: %s: %s%n", id, step.disruption().describe());
                            step.disruption().apply(runtime, timeline, id);
                        } catch (RuntimeException e) {
                            disruptionErrors.add(id + ": " + e.getMessage());
                            timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, "", id,
                                    "disruption failed: " + e.getMessage()));
                        }
                    });
                }
            }
            load.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ZerodropException.environment("interrupted");
        } finally {
            disruptions.shutdownNow();
        }
        if (trafficFailure.get() != null) {
            throw trafficFailure.get();
        }
        journal.add(new io.zerodrop.report.Step("traffic", trafficStart, run.get().endedMs(),
                io.zerodrop.report.Step.Status.OK, "Gatling " + traffic.simulationClass() + " exited 0"));
        for (String e : disruptionErrors) {
            journal.add(new io.zerodrop.report.Step("disruption", trafficStart, System.currentTimeMillis(),
                    io.zerodrop.report.Step.Status.FAILED, e));
        }
        long s0 = System.currentTimeMillis();
        boolean settled = runtime.awaitSettled(Duration.ofSeconds(60));
        journal.add(new io.zerodrop.report.Step("settle", s0, System.currentTimeMillis(),
                settled ? io.zerodrop.report.Step.Status.OK : io.zerodrop.report.Step.Status.FAILED,
                settled ? "all replicas ready, no terminating pod left" : "the workload did not settle within 60 s"));
        Map<String, Object> runtimeInfo = runtime.describe();
        String runtimeName = runtime.name();
        long c0 = System.currentTimeMillis();
        runtime.close();
        journal.add(new io.zerodrop.report.Step("teardown", c0, System.currentTimeMillis(),
                io.zerodrop.report.Step.Status.OK, "every pod stopped, Service address closed"));

        long a0 = System.currentTimeMillis();
        Measurement.Result m = Measurement.analyse(run.get().simulationLog(), timeline, plan.load().warmupSeconds(),
                plan.load().rate(), runtime.ledgers(), 0);
        journal.add(new io.zerodrop.report.Step("analysis", a0, System.currentTimeMillis(),
                io.zerodrop.report.Step.Status.OK, m.analysis().totalRequests() + " requests decoded, "
                        + runtime.ledgers().size() + " server ledgers read"));
        Verdict verdict = Verdict.judge(m.analysis(), plan.expectations(),
                m.groundTruth().map(g -> g.hiddenDrops()).orElse(null), m.evictions());
        Map<String, Object> settings = new LinkedHashMap<>(plan.settingsUnderTest());
        settings.put("runtime", runtimeInfo);
        settings.put("load", plan.load());
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
        RunReport report = new RunReport(RunInfo.header(plan.command(), runtimeName, workload.kind() + " "
                + workload.name(), m.gatling().gatlingVersion(), settings), journal, timeline.events(), m.analysis(),
                m.groundTruth(), m.findings(), verdict,
                run.get().gatlingReport().map(p -> plan.outDir().relativize(p).toString()));
        List<Path> files = new ArrayList<>(Reports.writeAll(report, plan.title(), "zerodrop." + plan.command(),
                plan.outDir()));
        run.get().gatlingReport().ifPresent(files::add);
        String summary = ConsoleSummary.render(report, plan.title(), files.stream().map(Path::toString).toList());
        return new Outcome(report, files, verdict.exitCode(), summary);
    }

    /** CPU time of this JVM only (not of the pods or the Gatling JVM), in ms; -1 where the JVM cannot tell. */
    static long selfCpuMs() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1_000_000;
        }
        return -1;
    }

    private static void progress(PrintWriter err, Progress p) {
        err.println(p.line());
    }

    private static void sleepUntil(long at) {
        long wait = at - System.currentTimeMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
