package io.zerodrop.engine;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.report.Step;
import io.zerodrop.timeline.RunClock;
import io.zerodrop.verdict.DisruptionRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The run journal: every step zerodrop took, with its start and end on the run's clock and how it ended. A step
 * that throws is recorded as FAILED with its cause before the exception goes on, so a run that breaks off still
 * reports where and why.
 */
final class Journal {
    private final List<Step> steps = new ArrayList<>();
    private final RunClock clock;
    private String failedStep;

    /** A journal on the host's clock. */
    Journal() {
        this(RunClock.SYSTEM);
    }

    /** A journal whose steps are timed by the run's {@code clock}. */
    Journal(RunClock clock) {
        this.clock = clock;
    }

    synchronized void add(Step s) {
        steps.add(s);
    }

    /** Runs a step whose detail is the returned text. */
    String run(String name, Supplier<String> body) {
        return run(name, body, Function.identity());
    }

    /** Runs a step; {@code detail} describes its result for the journal. */
    <T> T run(String name, Supplier<T> body, Function<T, String> detail) {
        long t0 = clock.nowMs();
        try {
            T result = body.get();
            add(new Step(name, t0, clock.nowMs(), Step.Status.OK, detail.apply(result)));
            return result;
        } catch (ZerodropException e) {
            failed(name, t0, e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            failed(name, t0, "zerodrop bug: " + e);
            throw new ZerodropException(ExitCodes.INTERNAL, "zerodrop bug: " + e, e);
        }
    }

    void failed(String name, String cause) {
        failed(name, clock.nowMs(), cause);
    }

    private synchronized void failed(String name, long t0, String cause) {
        steps.add(new Step(name, t0, clock.nowMs(), Step.Status.FAILED, cause));
        if (failedStep == null) {
            failedStep = name;
        }
    }

    /** The first step that failed, or "run". */
    synchronized String failedStep() {
        return failedStep != null ? failedStep : "run";
    }

    /** One step per disruption occurrence: due, issued, answered, or why not. */
    void disruptions(List<DisruptionRun> runs) {
        for (DisruptionRun r : runs) {
            String what = "disruption " + r.id() + ": " + r.description();
            switch (r.status()) {
                case DONE -> add(new Step(what, r.issuedMs(), r.answeredMs(), Step.Status.OK, "issued "
                        + late(r) + ", answered after " + (r.answeredMs() - r.issuedMs()) + " ms"));
                case FAILED -> add(new Step(what, r.issuedMs(), Math.max(r.issuedMs(), r.answeredMs()),
                        Step.Status.FAILED, r.error()));
                case INTERRUPTED -> add(new Step(what, r.issuedMs(), clock.nowMs(), Step.Status.FAILED,
                        "still running when the load ended; stopped"));
                case NOT_ISSUED -> {
                    long at = r.scheduledMs() > 0 ? r.scheduledMs() : clock.nowMs();
                    add(new Step(what, at, at, Step.Status.SKIPPED, r.scheduledMs() > 0
                            ? "never issued: the load had ended before its time"
                            : "never issued: the load never started"));
                }
                default -> throw new IllegalStateException(r.status().name());
            }
        }
    }

    private static String late(DisruptionRun r) {
        return (r.issuedMs() - r.scheduledMs()) + " ms after it was due";
    }

    /** One step per undo that ran. */
    void undo(Undo.Done d) {
        add(new Step("undo: " + d.what(), d.startMs(), d.endMs(), d.error() == null ? Step.Status.OK
                : Step.Status.FAILED, d.error() == null ? "done" : d.error()));
    }

    /** The steps in the order they began. */
    synchronized List<Step> steps() {
        return steps.stream().sorted(Comparator.comparingLong(Step::startMs)).toList();
    }
}
