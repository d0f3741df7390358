package io.zerodrop.engine;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.report.JournalEntry;
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
    private final List<JournalEntry> steps = new ArrayList<>();
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

    synchronized void add(JournalEntry s) {
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
            add(new JournalEntry(name, t0, clock.nowMs(), JournalEntry.Status.OK, detail.apply(result)));
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
        steps.add(new JournalEntry(name, t0, clock.nowMs(), JournalEntry.Status.FAILED, cause));
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
                case DONE -> add(new JournalEntry(what, r.issuedMs(), r.answeredMs(), JournalEntry.Status.OK, "issued "
                        + late(r) + ", answered after " + (r.answeredMs() - r.issuedMs()) + " ms"));
                case FAILED -> add(new JournalEntry(what, r.issuedMs(), Math.max(r.issuedMs(), r.answeredMs()),
                        JournalEntry.Status.FAILED, r.error()));
                case INTERRUPTED -> add(new JournalEntry(what, r.issuedMs(), clock.nowMs(), JournalEntry.Status.FAILED,
                        "still running when the load ended; stopped"));
                case NOT_ISSUED -> {
                    long at = r.scheduledMs() > 0 ? r.scheduledMs() : clock.nowMs();
                    add(new JournalEntry(what, at, at, JournalEntry.Status.SKIPPED, r.scheduledMs() > 0
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
        add(new JournalEntry("undo: " + d.what(), d.startMs(), d.endMs(), d.error() == null ? JournalEntry.Status.OK
                : JournalEntry.Status.FAILED, d.error() == null ? "done" : d.error()));
    }

    /** The steps in the order they began. */
    synchronized List<JournalEntry> steps() {
        return steps.stream().sorted(Comparator.comparingLong(JournalEntry::startMs)).toList();
    }
}
