package io.zerodrop.analysis;

/** Latencies in whole milliseconds, exact up to {@link #EXACT_LIMIT_MS}; above that counted with the true max. */
public final class LatencyHistogram {
    static final int EXACT_LIMIT_MS = 120_000;

    private final long[] counts = new long[EXACT_LIMIT_MS + 2];
    private long total;
    private long max;

    public void record(long latencyMs) {
        long v = Math.max(0, latencyMs);
        counts[(int) Math.min(v, EXACT_LIMIT_MS + 1)]++;
        total++;
        max = Math.max(max, v);
    }

    public long count() {
        return total;
    }

    public long max() {
        return max;
    }

    /** The smallest latency at or below which {@code percentile} % of the values lie; -1 when empty. */
    public long percentile(double percentile) {
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(percentile / 100.0 * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, rank)) {
                return i > EXACT_LIMIT_MS ? max : i;
            }
        }
        return max;
    }

    public Summary summary() {
        return new Summary(total, percentile(50), percentile(95), percentile(99), total == 0 ? -1 : max);
    }

    /** Percentiles of one window, in ms ({@code -1} when no request fell in it). */
    public record Summary(long count, long p50, long p95, long p99, long max) {
    }
}
