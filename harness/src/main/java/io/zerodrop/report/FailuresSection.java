package io.zerodrop.report;

import static io.zerodrop.report.HtmlReport.esc;

import io.zerodrop.analysis.AnalysisResult;
import java.util.Map;

/** report.html's failures by class, phase, pod and unclassified message, and the longest burst. */
final class FailuresSection {
    private FailuresSection() {
    }

    static void render(StringBuilder h, RunReport r) {
        AnalysisResult a = r.analysis();
        h.append("<h2>Failures</h2>\n");
        table(h, "class", a.failuresByClass());
        table(h, "phase", a.failuresByPhase());
        if (!a.failuresByPod().isEmpty()) {
            table(h, "pod", a.failuresByPod());
        }
        if (!a.otherMessages().isEmpty()) {
            table(h, "unclassified message (verbatim)", a.otherMessages());
        }
        h.append("<p>Longest failure burst: ").append(a.longestFailureBurstMs()).append(" ms (")
                .append(a.failureBursts()).append(" burst(s); failures less than 500 ms apart form one).</p>\n");
    }

    private static void table(StringBuilder h, String what, Map<?, Long> m) {
        if (m.isEmpty()) {
            h.append("<p>No failures by ").append(esc(what)).append(".</p>\n");
            return;
        }
        h.append("<table><tr><th>").append(esc(what)).append("</th><th>count</th></tr>\n");
        m.forEach((k, v) -> h.append("<tr><td>").append(esc(String.valueOf(k))).append("</td><td class=\"num\">")
                .append(v).append("</td></tr>\n"));
        h.append("</table>\n");
    }
}
