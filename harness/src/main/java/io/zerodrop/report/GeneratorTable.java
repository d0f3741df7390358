package io.zerodrop.report;

import io.zerodrop.traffic.GeneratorRow;
import java.util.List;
import java.util.Locale;

/**
 * The load generators of a run from inside the cluster, one row each (header {@code loadGenerators}): where it ran,
 * its clock against this host's (offset ± uncertainty, as every one of its records was corrected), its share of the
 * rate and what it achieved, its requests and failures after the warm-up. The only place the report knows there
 * were several: attribution and verdict read the merged run.
 */
final class GeneratorTable {
    private GeneratorTable() {
    }

    static void render(StringBuilder h, RunReport r) {
        List<GeneratorRow> rows = r.generators();
        if (rows.isEmpty()) {
            return;
        }
        h.append("<h2>Load generators</h2>\n<table><tr><th>generator</th><th>where</th><th>clock vs this host</th><th>start</th>")
                .append("<th>asked</th><th>achieved</th><th>requests</th><th>failed</th><th></th></tr>\n");
        for (GeneratorRow g : rows) {
            boolean saturated = Boolean.TRUE.equals(g.saturated());
            h.append("<tr><td>").append(HtmlReport.esc(g.name())).append("</td><td>")
                    .append(HtmlReport.esc(g.where())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%+d ms ± %d", g.clockOffsetMs(), g.clockUncertaintyMs()))
                    .append("</td><td>")
                    .append(g.injectionLateMs() == null ? "–" : g.injectionLateMs() == 0 ? "together"
                            : "+" + g.injectionLateMs() + " ms late").append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f req/s", g.askedRate())).append("</td><td>")
                    .append(g.achievedRate() != null ? String.format(Locale.ROOT, "%.1f req/s", g.achievedRate())
                            : "–").append("</td><td>")
                    .append(g.measured() != null ? g.measured() : "–").append("</td><td>")
                    .append(g.failed() != null ? g.failed() : "–").append("</td><td class=\"")
                    .append(saturated ? "FAILED\">saturated" : "PASSED\">ok").append("</td></tr>\n");
        }
        h.append("</table>\n<p>Every record of a generator was moved onto this host's clock by its offset, measured")
                .append(" before and after the load; the run is refused when an uncertainty exceeds the clock")
                .append(" resolution the verdict needs.</p>\n");
    }
}
