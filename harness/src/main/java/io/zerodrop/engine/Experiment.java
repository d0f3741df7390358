package io.zerodrop.engine;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.RunId;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.Step;
import io.zerodrop.report.RunReport;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.runtime.RuntimeFactory;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.timeline.RunClock;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.traffic.GeneratorRow;
import io.zerodrop.traffic.LoadGenerators;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.verdict.Verdict;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run: the workload up on a runtime, real load through its Service, the disruption steps on schedule after the
 * warm-up, the runtime settled and torn down, then analysis, verdict and reports. Every event lands on one timeline
 * with one clock.
 */
public final class Experiment {
    /**
     * What to run; {@code startBudget} is how long the workload may take to be ready before the load starts (image
     * pulls, readiness, the rollout of the settings under test).
     */
    /** {@code runId}: the run's id ({@link RunId}) when preparing it chose one; null: a new one at its start. */
    public record Plan(String title, String command, LoadSpec load, List<Step> steps, Expectations expectations,
            Path outDir, boolean gatlingReport, Map<String, Object> settingsUnderTest, Duration startBudget,
            String runId) {
        /** The start budget of a run on this host's processes, where none is given. */
        public static final Duration LOCAL_START_BUDGET = Duration.ofSeconds(90);

        /** A plan with the local runtime's start budget. */
        public Plan(String title, String command, LoadSpec load, List<Step> steps, Expectations expectations,
                Path outDir, boolean gatlingReport, Map<String, Object> settingsUnderTest) {
            this(title, command, load, steps, expectations, outDir, gatlingReport, settingsUnderTest,
                    LOCAL_START_BUDGET);
        }

        /** A plan whose run gets a new id at its start. */
        public Plan(String title, String command, LoadSpec load, List<Step> steps, Expectations expectations,
                Path outDir, boolean gatlingReport, Map<String, Object> settingsUnderTest, Duration startBudget) {
            this(title, command, load, steps, expectations, outDir, gatlingReport, settingsUnderTest, startBudget,
                    null);
        }
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
        return runOn(factory, workload, plan, err, Wiring.REAL);
    }

    /**
     * What a run is wired to besides its runtime: the clock it runs on (the timeline's, the schedule's, the journal's)
     * and where its load comes from. Real runs use the host's clock and real generators; the engine's fast tests a
     * clock they advance and a canned load.
     */
    record Wiring(RunClock clock, LoadSource loads) {
        static final Wiring REAL = new Wiring(RunClock.SYSTEM, Loads::of);
    }

    /** The load generators of a run, from its load spec and runtime; {@code undo} takes what they start. */
    interface LoadSource {
        LoadGenerators of(LoadSpec load, Runtime runtime, Undo undo);
    }

    /** As above, wired to {@code wiring}'s clock and load. */
    static Outcome runOn(RuntimeFactory factory, Workload workload, Plan plan, PrintWriter err, Wiring wiring) {
        Timeline timeline = new Timeline(wiring.clock());
        return RunLifetime.live(err, plan.runId() != null ? plan.runId() : RunId.next(), undo -> {
            Teardown teardown = new Teardown(factory.create(timeline, undo));
            try {
                return run(teardown, timeline, undo, workload, plan, err, wiring);
            } finally {
                teardown.close();
            }
        });
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
            PrintWriter err, Wiring wiring) {
        check(plan);
        ExperimentRun run = new ExperimentRun(teardown, timeline, undo, workload, plan, err, wiring);
        run.loadUnderDisruption();
        Map<String, Object> runtimeInfo = teardown.runtime().describe();
        String runtimeName = teardown.runtime().name();
        run.tearDown();
        run.measure();
        Verdict verdict = run.judge();
        return run.report(verdict, runtimeName, runtimeInfo);
    }

    /** The fleet's account of each generator joined with what the analysis counted of it, by name. */
    static List<GeneratorRow> generatorRows(List<GeneratorRow> fleet, List<Measurement.GeneratorShare> shares) {
        List<GeneratorRow> rows = new ArrayList<>();
        for (GeneratorRow g : fleet) {
            rows.add(shares.stream().filter(s -> s.name().equals(g.name())).findFirst().map(s -> g.measured(
                    s.requests(), s.measured(), s.failed(), s.achievedRate(), s.saturated())).orElse(g));
        }
        return rows;
    }

    static ZerodropException interrupted() {
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
