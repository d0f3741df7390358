package io.zerodrop.verdict;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.FailureClass;
import io.zerodrop.analysis.LatencyHistogram;
import io.zerodrop.analysis.Windows;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A baseline too slow to blame timeouts on the disruption: there was a disruption window, and the baseline's slowest
 * request took at least half of a timeout that requests of the run then hit — the request timeout for requests that
 * timed out waiting for an answer, the connect timeout for connects that timed out. {@code timeouts} counts the
 * failures of those kinds, {@code why} says so with the numbers, {@code settings} names the keys that raise them.
 */
record SlowBaseline(String why, long timeouts, String settings) {
    /** The slow baseline of {@code a}, or null; a timeout of 0 is unknown and never doubted. */
    static SlowBaseline of(AnalysisResult a, long requestTimeoutMs, long connectTimeoutMs) {
        LatencyHistogram.Summary baseline = a.latency().get(Windows.Kind.BASELINE);
        if (a.disruptionWindows().isEmpty() || baseline == null || baseline.count() == 0) {
            return null;
        }
        List<String> against = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        long timeouts = 0;
        long requestTimeouts = a.failuresByClass().getOrDefault(FailureClass.REQUEST_TIMEOUT, 0L);
        if (requestTimeouts > 0 && requestTimeoutMs > 0 && 2 * baseline.max() >= requestTimeoutMs) {
            against.add("a request timeout of " + requestTimeoutMs + " ms");
            settings.add("traffic.requestTimeout");
            timeouts += requestTimeouts;
        }
        long connectTimeouts = a.failuresByClass().getOrDefault(FailureClass.CONNECT_TIMEOUT, 0L);
        if (connectTimeouts > 0 && connectTimeoutMs > 0 && 2 * baseline.max() >= connectTimeoutMs) {
            against.add("a connect timeout of " + connectTimeoutMs + " ms");
            settings.add("traffic.connectTimeout");
            timeouts += connectTimeouts;
        }
        if (timeouts == 0) {
            return null;
        }
        return new SlowBaseline(String.format(Locale.ROOT, "before any disruption the requests were already slow:"
                + " the baseline's p99 was %d ms and its slowest %d ms, against %s", baseline.p99(), baseline.max(),
                String.join(" and ", against)), timeouts, String.join(" or ", settings));
    }
}
