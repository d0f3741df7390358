package io.zerodrop.engine;

import io.zerodrop.disruption.Step;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.DisruptionRun;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The disruption steps of one run on the one clock: every occurrence is due at a fixed offset from the warm-up end,
 * counted from the moment zerodrop itself saw the load start, never from when Gatling's log happens to arrive.
 * Each occurrence records when it was due, issued and answered, or why it was not.
 */
final class Schedule {
    private final List<Slot> slots = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "zerodrop-disruption");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean loadRunning = true;

    private static final class Slot {
        final String id;
        final Step step;
        final long offsetMs;
        volatile long dueMs = -1;
        volatile long issuedMs = -1;
        volatile long answeredMs = -1;
        volatile String error;

        Slot(String id, Step step, long offsetMs) {
            this.id = id;
            this.step = step;
            this.offsetMs = offsetMs;
        }
    }

    Schedule(List<Step> steps) {
        for (Step step : steps) {
            for (int i = 0; i < step.times(); i++) {
                slots.add(new Slot(step.times() == 1 ? step.id() : step.id() + "#" + (i + 1), step,
                        step.atMs() + i * step.everyMs()));
            }
        }
    }

    /** Starts the clock: occurrence offsets count from {@code warmupEndMs}. */
    void start(long warmupEndMs, Runtime runtime, Timeline timeline, PrintWriter err) {
        for (Slot s : slots) {
            s.dueMs = warmupEndMs + s.offsetMs;
            pool.submit(timeline.clock().track(() -> fire(s, runtime, timeline, err)));
        }
    }

    private void fire(Slot s, Runtime runtime, Timeline timeline, PrintWriter err) {
        if (!timeline.clock().sleepUntil(s.dueMs) || !loadRunning) {
            return;
        }
        s.issuedMs = timeline.nowMs();
        try {
            err.printf("zerodrop: %s: %s%n", s.id, s.step.disruption().describe());
            err.flush();
            s.step.disruption().apply(runtime, timeline, s.id);
            if (!Thread.currentThread().isInterrupted()) {
                s.answeredMs = timeline.nowMs();
            }
        } catch (RuntimeException e) {
            s.error = e.getMessage() == null ? e.toString() : e.getMessage();
            timeline.add(TimelineEvent.of(timeline.nowMs(), EventType.NOTE, "", s.id,
                    "disruption failed: " + s.error));
        }
    }

    /**
     * The load has ended: occurrences not yet issued never will be; those still running are interrupted (a scale
     * step puts the replicas back as it stops) and waited for up to {@code waitMs}.
     */
    List<DisruptionRun> finish(long waitMs) {
        loadRunning = false;
        pool.shutdownNow();
        try {
            pool.awaitTermination(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return runs();
    }

    List<DisruptionRun> runs() {
        return slots.stream().map(s -> new DisruptionRun(s.id, s.step.disruption().describe(), s.dueMs, s.issuedMs,
                s.answeredMs, s.error)).toList();
    }
}
