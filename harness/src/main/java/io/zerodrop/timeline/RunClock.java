package io.zerodrop.timeline;

import io.zerodrop.core.Sleep;

/**
 * The run's one clock: epoch milliseconds on the zerodrop host, and the sleeps that wait on it. Everything that
 * stamps the timeline or waits for a due time (the schedule, the disruptions) reads it from {@link Timeline#clock()},
 * so a test can run the whole pipeline on a clock it advances itself, and a real run on the host's.
 */
public interface RunClock {
    /** The host's wall clock and real sleeps. */
    RunClock SYSTEM = new RunClock() {
        @Override
        public long nowMs() {
            return System.currentTimeMillis();
        }

        @Override
        public boolean sleepUntil(long epochMs) {
            return Sleep.until(epochMs);
        }
    };

    /** Now, epoch milliseconds. */
    long nowMs();

    /** Sleeps until {@code epochMs} on this clock; false, with the interrupt flag set again, when interrupted. */
    boolean sleepUntil(long epochMs);

    /** Sleeps {@code ms} on this clock; false when interrupted. */
    default boolean sleepFor(long ms) {
        return sleepUntil(nowMs() + Math.max(0, ms));
    }

    /**
     * {@code task} as it is to run on another thread that waits on this clock, called where the task is handed over:
     * a clock that advances itself counts it as busy from then until it ends or sleeps. The host's clock runs it as is.
     */
    default Runnable track(Runnable task) {
        return task;
    }
}
