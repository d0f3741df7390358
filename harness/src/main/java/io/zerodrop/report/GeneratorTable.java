package io.zerodrop.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load generators of a run from inside the cluster, one row each (header {@code loadGenerators}): where it ran,
 * its clock against this host's (offset ± uncertainty, as every one of its records was corrected), its share of the
 * rate and what it achieved, its requests and failures after the warm-up. The only place the report knows there
 * were several: attribution and verdict read the merged run.
 */
final class GeneratorTable {
    private GeneratorTable() {
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rows(RunReport r) {
        Object rows = r.header().get("settings") instanceof Map<?, ?> s ? ((Map<String, Object>) s).get(
                "loadGenerators") : r.header().get("loadGenerators");
        return rows instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    static void render(StringBuilder h, RunReport r) {
        List<Map<String, Object>> rows = rows(r);
        if (rows.isEmpty()) {
            return;
        }
        h.append("<h2>Load generators</h2>\n<table><tr><th>generator</th><th>where</th><th>clock vs this host</th><th>start</th>")
                .append("<th>asked</th><th>achieved</th><th>requests</th><th>failed</th><th></th></tr>\n");
        for (Map<String, Object> g : rows) {
            boolean saturated = Boolean.TRUE.equals(g.get("saturated"));
            h.append("<tr><td>").append(HtmlReport.esc(String.valueOf(g.get("name")))).append("</td><td>")
                    .append(HtmlReport.esc(String.valueOf(g.get("where")))).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%+d ms ± %d", num(g.get("clockOffsetMs")),
                            num(g.get("clockUncertaintyMs")))).append("</td><td>")
                    .append(!g.containsKey("injectionLateMs") ? "–" : num(g.get("injectionLateMs")) == 0 ? "together"
                            : "+" + num(g.get("injectionLateMs")) + " ms late").append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f req/s", dbl(g.get("askedRate")))).append("</td><td>")
                    .append(g.containsKey("achievedRate") ? String.format(Locale.ROOT, "%.1f req/s",
                            dbl(g.get("achievedRate"))) : "–").append("</td><td>")
                    .append(g.getOrDefault("measured", "–")).append("</td><td>")
                    .append(g.getOrDefault("failed", "–")).append("</td><td class=\"")
                    .append(saturated ? "FAILED\">saturated" : "PASSED\">ok").append("</td></tr>\n");
        }
        h.append("</table>\n<p>Every record of a generator was moved onto this host's clock by its offset, measured")
                .append(" before and after the load; the run is refused when an uncertainty exceeds the clock")
                .append(" resolution the verdict needs.</p>\n");
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static double dbl(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }
}
