package io.zerodrop.report;

import static io.zerodrop.report.HtmlReport.esc;



/** report.html's run header (settings, versions, host) and the link to Gatling's own report. */
final class RunSection {
    private RunSection() {
    }

    static void render(StringBuilder h, RunReport r) {
        h.append("<h2>Run</h2>\n<table>\n");
        r.header().fields().forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>")
                .append(esc(String.valueOf(v))).append("</td></tr>\n"));
        h.append("</table>\n");
        r.gatlingReport().ifPresent(g -> h.append("<p><a href=\"").append(esc(g))
                .append("\">Gatling's own HTML report</a></p>\n"));
    }
}
