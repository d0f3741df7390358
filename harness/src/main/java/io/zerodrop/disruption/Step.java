package io.zerodrop.disruption;

/**
 * A disruption on the schedule: first at {@code atMs} after the warm-up ends, then every {@code everyMs}, {@code
 * times} times in all. Steps may overlap.
 */
public record Step(String id, long atMs, long everyMs, int times, Disruption disruption) {
    public Step {
        if (atMs < 0 || times < 1 || (times > 1 && everyMs <= 0)) {
            throw new IllegalArgumentException("step " + id + " has an invalid schedule: at " + atMs + " ms, every "
                    + everyMs + " ms, " + times + " times (expected at >= 0, times >= 1, every > 0 when repeated)");
        }
    }
}
