package io.zerodrop.report;

import static io.zerodrop.report.HtmlReport.esc;

import io.zerodrop.findings.Finding;

/**
 * report.html's findings, first: what went wrong and the change that fixes it, with the patch written beside the
 * report.
 */
final class FindingsSection {
    private FindingsSection() {
    }

    static void render(StringBuilder h, RunReport r) {
        if (!r.findings().isEmpty()) {
            h.append("<h2>Findings</h2>\n<table><tr><th>severity</th><th>finding</th><th>evidence</th><th>fix</th></tr>\n");
            for (Finding f : r.findings()) {
                h.append("<tr id=\"finding-").append(esc(f.code())).append("\"><td class=\"").append(f.severity())
                        .append("\">").append(f.severity()).append("</td><td>").append(esc(f.title()))
                        .append("</td><td>").append(esc(f.detail()));
                if (!f.evidence().isEmpty()) {
                    h.append("<br><span class=\"small\">");
                    f.evidence().forEach((k, v) -> h.append(esc(k)).append(": ").append(esc(String.valueOf(v)))
                            .append("; "));
                    h.append("</span>");
                }
                h.append("</td><td>").append(esc(f.fix()));
                if (f.patch() != null) {
                    h.append("<br>patch").append(f.patchFile() != null ? " (<code>" + esc(f.patchFile()) + "</code>)"
                            : "").append(":<pre>").append(esc(f.patch())).append("</pre>");
                }
                h.append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
    }
}
