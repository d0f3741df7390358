package io.zerodrop.findings;

/**
 * The margin a measured duration gets before it becomes a setting: the larger of 500 ms and a quarter of it, the
 * sum rounded up to whole seconds. One rule for the endpoint-race finding and for {@code zerodrop tune}'s model.
 */
public final class Margins {
    /** Added to a measured duration at least: it varies from run to run. */
    public static final long MIN_MARGIN_MS = 500;

    private Margins() {
    }

    public static long marginMs(long measuredMs) {
        return Math.max(MIN_MARGIN_MS, measuredMs / 4);
    }

    /** ⌈measured + margin⌉ in seconds; -1 when nothing was measured. */
    public static long seconds(long measuredMs) {
        return measuredMs < 0 ? -1 : (long) Math.ceil((measuredMs + marginMs(measuredMs)) / 1000.0);
    }
}
