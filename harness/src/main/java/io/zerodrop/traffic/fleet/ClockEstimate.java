package io.zerodrop.traffic.fleet;

import java.util.List;

/**
 * A load generator's clock against this host's, as an interval: {@code generator clock - host clock} lies in
 * [{@code lowMs}, {@code highMs}]. Each reading is taken between two readings of the host's clock, so it bounds the
 * offset by the round trip; readings of one steady clock intersect, which narrows the interval to the fastest
 * round trips. The offset reported is the middle, its uncertainty half the width.
 */
public record ClockEstimate(long lowMs, long highMs, int readings, boolean consistent) {

    /** One reading: host clock before, the generator's answer, host clock after. */
    public record Reading(long hostBeforeMs, long generatorMs, long hostAfterMs) {
        long low() {
            return generatorMs - hostAfterMs;
        }

        long high() {
            return generatorMs - hostBeforeMs;
        }
    }

    /**
     * The intersection of the readings' intervals; when they do not intersect (the generator's clock stepped between
     * readings) the narrowest reading alone, marked inconsistent.
     */
    public static ClockEstimate of(List<Reading> readings) {
        if (readings.isEmpty()) {
            throw new IllegalArgumentException("no clock reading");
        }
        long lo = Long.MIN_VALUE;
        long hi = Long.MAX_VALUE;
        for (Reading r : readings) {
            lo = Math.max(lo, r.low());
            hi = Math.min(hi, r.high());
        }
        if (lo <= hi) {
            return new ClockEstimate(lo, hi, readings.size(), true);
        }
        Reading best = readings.get(0);
        for (Reading r : readings) {
            if (r.high() - r.low() < best.high() - best.low()) {
                best = r;
            }
        }
        return new ClockEstimate(best.low(), best.high(), readings.size(), false);
    }

    public long offsetMs() {
        return Math.floorDiv(lowMs + highMs, 2);
    }

    /** Half the interval's width, rounded up. */
    public long uncertaintyMs() {
        return (highMs - lowMs + 1) / 2;
    }

    /**
     * One offset for the whole run from a measurement before the load and one after: the middle of the two, its
     * uncertainty the larger of theirs plus half the drift between them (a clock that drifted during the run is known
     * only that well for the records in between).
     */
    public static long[] acrossRun(ClockEstimate before, ClockEstimate after) {
        long drift = Math.abs(after.offsetMs() - before.offsetMs());
        long offset = Math.floorDiv(before.offsetMs() + after.offsetMs(), 2);
        long uncertainty = Math.max(before.uncertaintyMs(), after.uncertaintyMs()) + (drift + 1) / 2;
        return new long[] {offset, uncertainty};
    }
}
