package io.zerodrop.report;

import static io.zerodrop.report.HtmlReport.esc;

import io.zerodrop.verdict.Check;

/** report.html's verdict: each expectation, expected against measured, and every reason. */
final class VerdictSection {
    private VerdictSection() {
    }

    static void render(StringBuilder h, RunReport r) {
        h.append("<h2>Verdict</h2>\n<table><tr><th>expectation</th><th>expected</th><th>measured</th><th>result</th>")
                .append("<th>how</th></tr>\n");
        for (Check c : r.verdict().checks()) {
            h.append("<tr><td>").append(esc(c.name())).append("</td><td>").append(esc(c.expected()))
                    .append("</td><td>").append(esc(c.actual())).append("</td><td class=\"")
                    .append(c.passed() ? "PASSED" : "FAILED").append("\">").append(c.passed() ? "pass" : "FAIL")
                    .append("</td><td>").append(esc(c.explanation())).append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (String reason : r.verdict().reasons()) {
            h.append("<p>").append(esc(reason)).append("</p>\n");
        }
    }
}
