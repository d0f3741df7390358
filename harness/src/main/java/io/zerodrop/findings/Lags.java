package io.zerodrop.findings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A set of measured durations, summarised as the findings report them: by pod, p50, p95, max (ms). */
record Lags(Map<String, Long> byPod) {
    long max() {
        return byPod.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    long percentile(double p) {
        List<Long> sorted = byPod.values().stream().sorted().toList();
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    Map<String, Object> evidence(String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(name + "ByPodMs", byPod);
        m.put(name + "P50Ms", percentile(50));
        m.put(name + "P95Ms", percentile(95));
        m.put(name + "MaxMs", max());
        return m;
    }

    String describe() {
        return "p50 " + percentile(50) + " ms, p95 " + percentile(95) + " ms, max " + max() + " ms over " + byPod.size()
                + " pod(s)";
    }
}
