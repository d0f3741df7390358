package io.zerodrop.report;

import static io.zerodrop.report.HtmlReport.esc;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.PodTermination;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.RoutingSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * report.html's pod terminations: each deleted pod's moments counted from SIGTERM, marked inferred or assumed where
 * they were not seen.
 */
final class TerminationsSection {
    private TerminationsSection() {
    }

    static void render(StringBuilder h, RunReport r) {
        AnalysisResult a = r.analysis();
        h.append("<h2>Pod terminations</h2>\n");
        if (a.terminations().isEmpty()) {
            h.append("<p>No pod was disrupted in this run.</p>\n");
        } else {
            h.append("<table><tr><th>pod</th><th>disruption</th><th>SIGTERM after marked (ms)</th>")
                    .append("<th>out of rotation after SIGTERM (ms)</th><th>routing stopped after SIGTERM (ms)</th>")
                    .append("<th>exit after SIGTERM (ms)</th>")
                    .append("<th>exit code</th><th>SIGKILL</th><th>replacement</th><th>replacement ready after marked (ms)</th></tr>\n");
            // a runtime that cannot see SIGTERM (a cluster) infers it: every figure counted from it says so
            Set<String> inferred = new HashSet<>();
            r.timeline().stream().filter(e -> e.type() == EventType.SIGTERM_SENT && e.has(Attribute.INFERRED))
                    .forEach(e -> inferred.add(e.pod()));
            // the data path's moment: measured (from where requests went) or assumed (the API's plus an allowance)
            Map<String, String> routing = new HashMap<>();
            r.timeline().stream().filter(e -> e.type() == EventType.ROUTING_STOPPED).forEach(e -> routing.put(e.pod(),
                    RoutingSource.of(e).filter(RoutingSource::measured).isPresent() ? " (measured)" : " (assumed)"));
            for (PodTermination t : a.terminations()) {
                String mark = inferred.contains(t.pod()) && t.sigtermMs() >= 0 ? " (inferred)" : "";
                h.append("<tr><td>").append(esc(t.pod())).append("</td><td>").append(esc(t.disruption()))
                        .append("</td><td class=\"num\">").append(delta(t.markedMs(), t.sigtermMs())).append(mark)
                        .append("</td><td class=\"num\">").append(delta(t.sigtermMs(), t.outOfRotationMs())).append(mark)
                        .append("</td><td class=\"num\">").append(delta(t.sigtermMs(), t.routingStoppedMs()))
                        .append(t.routingStoppedMs() >= 0 ? routing.getOrDefault(t.pod(), "") + mark : "")
                        .append("</td><td class=\"num\">").append(delta(t.sigtermMs(), t.exitMs())).append(mark)
                        .append("</td><td class=\"num\">").append(t.exitCode() < 0 ? "" : t.exitCode())
                        .append(t.exitCode() == 137 ? " (killed)" : "")
                        .append("</td><td>").append(t.sigkillMs() >= 0 ? "yes" : "no")
                        .append("</td><td>").append(esc(t.replacement()))
                        .append("</td><td class=\"num\">").append(delta(t.markedMs(), t.replacementReadyMs()))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
    }

    private static String delta(long from, long to) {
        return from < 0 || to < 0 ? "" : String.valueOf(to - from);
    }
}
