package io.zerodrop.report;

import static io.zerodrop.report.HtmlReport.esc;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.Attribution;

/** report.html's failed requests, the first 200 one by one (the rest in report.json or counted). */
final class FailedRequestsSection {
    private FailedRequestsSection() {
    }

    static void render(StringBuilder h, RunReport r) {
        AnalysisResult a = r.analysis();
        if (!a.attributions().isEmpty()) {
            h.append("<h2>Failed requests</h2>\n<table><tr><th>failed at (ms after start)</th><th>request</th>")
                    .append("<th>class</th><th>phase</th><th>pod(s)</th><th>message</th></tr>\n");
            int shown = 0;
            for (Attribution at : a.attributions()) {
                if (shown++ == 200) {
                    break;
                }
                h.append("<tr><td class=\"num\">").append(at.atMs() - a.runStartMs()).append("</td><td>")
                        .append(esc(at.request())).append("</td><td>").append(at.failureClass()).append("</td><td>")
                        .append(at.phase()).append("</td><td>").append(esc(String.join(", ", at.pods())))
                        .append("</td><td>").append(esc(at.message())).append("</td></tr>\n");
            }
            h.append("</table>\n");
            long more = a.attributions().size() - Math.min(200, a.attributions().size()) + a.attributionsOmitted();
            if (more > 0) {
                h.append("<p class=\"small\">").append(more).append(" more in report.json or counted only.</p>\n");
            }
        }
    }
}
