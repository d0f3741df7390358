package io.zerodrop.report;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.LatencyHistogram;
import io.zerodrop.analysis.Windows;
import java.util.Locale;
import java.util.Map;

/** report.html's latency percentiles per window (warm-up, baseline, disruption, recovery). */
final class LatencySection {
    private LatencySection() {
    }

    static void render(StringBuilder h, RunReport r) {
        AnalysisResult a = r.analysis();
        h.append("<h2>Latency (ms)</h2>\n<table><tr><th>window</th><th>requests</th><th>p50</th><th>p95</th>")
                .append("<th>p99</th><th>max</th></tr>\n");
        for (Map.Entry<Windows.Kind, LatencyHistogram.Summary> e : a.latency().entrySet()) {
            LatencyHistogram.Summary l = e.getValue();
            if (l.count() > 0) {
                h.append("<tr><td>").append(e.getKey().name().toLowerCase(Locale.ROOT)).append("</td>");
                for (long v : new long[] {l.count(), l.p50(), l.p95(), l.p99(), l.max()}) {
                    h.append("<td class=\"num\">").append(v).append("</td>");
                }
                h.append("</tr>\n");
            }
        }
        h.append("</table>\n");
    }
}
