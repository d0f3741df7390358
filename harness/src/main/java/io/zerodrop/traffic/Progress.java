package io.zerodrop.traffic;

import java.util.Locale;

/**
 * A live view of a running simulation, from the part of simulation.log written so far. {@code rate} is counted
 * from the records' own start times over the last {@link RateWindow#SECONDS} whole seconds the log covers, so a log
 * that arrives in bursts (Gatling writes it in 8 KB chunks) does not show a rate that swings between 0 and double.
 */
public record Progress(long elapsedMs, long remainingMs, long sent, long ok, long ko, double rate) {
    /** The line zerodrop prints on stderr while the load runs. */
    public String line() {
        return String.format(Locale.ROOT, "[traffic] %5.1fs elapsed, %5.1fs left | sent %d ok %d ko %d | %.0f req/s",
                elapsedMs / 1000.0, remainingMs / 1000.0, sent, ok, ko, rate);
    }

    /** Requests per whole second of their start time; the rate over the newest complete seconds. */
    public static final class RateWindow {
        public static final int SECONDS = 3;
        private final long[] counts = new long[64];
        private long newestSecond = Long.MIN_VALUE;
        private long firstSecond = Long.MAX_VALUE;

        public void add(long startMs) {
            long s = Math.floorDiv(startMs, 1000);
            firstSecond = Math.min(firstSecond, s);
            if (s > newestSecond) {
                for (long x = Math.max(newestSecond + 1, s - counts.length + 1); x <= s; x++) {
                    counts[(int) Math.floorMod(x, (long) counts.length)] = 0;
                }
                newestSecond = s;
            }
            if (s > newestSecond - counts.length) {
                counts[(int) Math.floorMod(s, (long) counts.length)]++;
            }
        }

        /**
         * Requests per second over the {@link #SECONDS} whole seconds before the newest second seen (that one may
         * still be filling); fewer when the log covers less; 0 before two seconds are seen.
         */
        public double rate() {
            if (newestSecond == Long.MIN_VALUE) {
                return 0;
            }
            long from = Math.max(firstSecond, newestSecond - SECONDS);
            long n = 0;
            for (long x = from; x < newestSecond; x++) {
                n += counts[(int) Math.floorMod(x, (long) counts.length)];
            }
            return newestSecond > from ? n / (double) (newestSecond - from) : 0;
        }
    }
}
