package io.zerodrop.verdict;

/**
 * What a run must show to pass; a null field is not checked. All counts exclude the warm-up. The default is
 * zerodrop's bar: zero dropped requests, zero hidden drops.
 */
public record Expectations(
        Long maxDropped,
        Double maxErrorRatePercent,
        Long maxFailureBurstMs,
        Long p99CeilingMs,
        Double minAvailabilityPercent,
        Long maxHiddenDrops) {

    public static Expectations zeroDrops() {
        return new Expectations(0L, null, null, null, null, 0L);
    }

    public Expectations {
        nonNegative("maxDropped", maxDropped);
        nonNegative("maxFailureBurstMs", maxFailureBurstMs);
        nonNegative("p99CeilingMs", p99CeilingMs);
        nonNegative("maxHiddenDrops", maxHiddenDrops);
        percent("maxErrorRatePercent", maxErrorRatePercent);
        percent("minAvailabilityPercent", minAvailabilityPercent);
    }

    private static void nonNegative(String name, Long v) {
        if (v != null && v < 0) {
            throw new IllegalArgumentException("expectation " + name + "=" + v + " is invalid: expected 0 or more");
        }
    }

    private static void percent(String name, Double v) {
        if (v != null && (v < 0 || v > 100 || v.isNaN())) {
            throw new IllegalArgumentException("expectation " + name + "=" + v
                    + " is invalid: expected a percentage from 0 to 100");
        }
    }
}
