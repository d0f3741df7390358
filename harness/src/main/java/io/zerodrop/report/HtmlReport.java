package io.zerodrop.report;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.Attribution;
import io.zerodrop.analysis.LatencyHistogram;
import io.zerodrop.analysis.PodTermination;
import io.zerodrop.analysis.Windows;
import io.zerodrop.core.AtomicFiles;
import io.zerodrop.findings.Finding;
import io.zerodrop.ledger.GroundTruth;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.Check;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@code report.html}: one self-contained page (inline CSS and SVG, no script, no network) with the
 * per-100-ms chart of OK and failed requests and the pod events on the same time axis, the per-pod termination
 * table, the failure classes, the ground truth and the verdict.
 */
public final class HtmlReport {
    static final String OK_COLOR = "#2e7d32";
    static final String FAILED_COLOR = "#c62828";
    static final int W = 1100;
    private static final int H = 260;
    static final int PAD_LEFT = 50;
    private static final int PAD_BOTTOM = 30;
    private static final int PAD_TOP = 70;

    private HtmlReport() {
    }

    public static void write(RunReport r, String title, Path file) throws IOException {
        AtomicFiles.writeString(file, render(r, title));
    }

    public static String render(RunReport r, String title) {
        AnalysisResult a = r.analysis();
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title)).append("</title>\n<style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}")
                .append("h1{font-size:20px}h2{font-size:16px;margin-top:28px}")
                .append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;")
                .append("text-align:left}th{background:#f3f3f3}.num{text-align:right}")
                .append(".PASSED{color:#fff;background:").append(OK_COLOR).append("}.FAILED{color:#fff;background:")
                .append(FAILED_COLOR).append("}.INCONCLUSIVE,.ERROR{color:#000;background:#f9a825}")
                .append(".verdict{display:inline-block;padding:4px 12px;font-weight:bold;border-radius:4px}")
                .append(".small{color:#666;font-size:12px}</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n");
        h.append("<p><span id=\"verdict\" class=\"verdict ").append(r.verdict().status()).append("\">")
                .append(r.verdict().status()).append("</span> ")
                .append(a.measuredFailed()).append(" of ").append(a.measuredRequests())
                .append(" measured requests failed; availability ")
                .append(ConsoleSummary.availability(a)).append("</p>\n");
        h.append("<p class=\"small\">All times are epoch milliseconds from one host clock (")
                .append(esc(String.valueOf(r.header().getOrDefault("host", "")))).append("); the chart's axis is ")
                .append("seconds since the run started at ").append(Instant.ofEpochMilli(a.runStartMs()))
                .append(".</p>\n");

        // findings first: what went wrong and the change that fixes it, with the patch written beside the report
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

        h.append("<h2>Requests per 100 ms</h2>\n");
        chart(h, r);
        PodLanes.render(h, r);
        GeneratorTable.render(h, r);

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
            r.timeline().stream().filter(e -> e.type() == EventType.SIGTERM_SENT && e.attributes().containsKey("inferred"))
                    .forEach(e -> inferred.add(e.pod()));
            // the data path's moment: measured (from where requests went) or assumed (the API's plus an allowance)
            Map<String, String> routing = new HashMap<>();
            r.timeline().stream().filter(e -> e.type() == EventType.ROUTING_STOPPED).forEach(e -> routing.put(e.pod(),
                    e.attributes().getOrDefault("source", "").startsWith("api") ? " (assumed)" : " (measured)"));
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

        if (r.groundTruth().isPresent()) {
            GroundTruth g = r.groundTruth().get();
            h.append("<h2>Client-seen vs server-seen (whole run)</h2>\n<table><tr><th></th><th>total</th>")
                    .append("<th>ok</th><th>failed / error</th><th>cut by shutdown</th></tr>\n")
                    .append("<tr><td>client (Gatling)</td><td class=\"num\">").append(g.clientTotal())
                    .append("</td><td class=\"num\">").append(g.clientOk()).append("</td><td class=\"num\">")
                    .append(g.clientFailed()).append("</td><td class=\"num\">").append(g.clientResetOrTimeout())
                    .append(" (reset/timeout)</td></tr>\n<tr><td>server (ledger)</td><td class=\"num\">")
                    .append(g.serverReceived()).append("</td><td class=\"num\">").append(g.serverOk())
                    .append("</td><td class=\"num\">").append(g.serverError()).append("</td><td class=\"num\">")
                    .append(g.serverCut()).append("</td></tr>\n</table>\n<p>Hidden drops: ").append(g.hiddenDrops())
                    .append(g.exact() == null ? (g.allFinal() ? "" : " (lower bound)")
                            : " (exact, from the join by request id" + (g.ledgersAgreeWithJoin() ? ")"
                            : "; the ledger row above differs from it and is not the truth: see below)"))
                    .append("</p>\n");
            for (String n : g.notes()) {
                h.append("<p class=\"small\">").append(esc(n)).append("</p>\n");
            }
        }

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

        h.append("<h2>Run</h2>\n<table>\n");
        r.header().forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>")
                .append(esc(String.valueOf(v))).append("</td></tr>\n"));
        h.append("</table>\n");
        r.gatlingReport().ifPresent(g -> h.append("<p><a href=\"").append(esc(g))
                .append("\">Gatling's own HTML report</a></p>\n"));
        h.append("</body></html>\n");
        return h.toString();
    }

    /** Pixels per second of the time axis, at least: a 100 ms gap is 5 px wide, never a hairline. */
    static final int PX_PER_SECOND = 50;

    /** The chart's width for a run of {@code spanMs}: 1,100 px, wider for long runs so 100 ms stays visible. */
    static int width(double spanMs) {
        return Math.max(W, PAD_LEFT + 10 + (int) Math.ceil(spanMs / 1000.0 * PX_PER_SECOND));
    }

    /** The time axis the requests chart and the pod lanes share. */
    static long[] axis(RunReport r) {
        AnalysisResult a = r.analysis();
        long t0 = a.runStartMs();
        long t1 = Math.max(t0 + 1000, a.lastRequestMs());
        for (TimelineEvent e : r.timeline()) {
            if (e.type().isMoment()) {
                t1 = Math.max(t1, e.atMs());
            }
        }
        return new long[] {t0, t1};
    }

    private static void chart(StringBuilder h, RunReport r) {
        AnalysisResult a = r.analysis();
        long[] ax = axis(r);
        long t0 = ax[0];
        long t1 = ax[1];
        double span = t1 - t0;
        int W = width(span);
        int plotW = W - PAD_LEFT - 10;
        int plotH = H - PAD_BOTTOM - PAD_TOP;
        long maxY = 1;
        for (AnalysisResult.Bucket b : a.buckets()) {
            maxY = Math.max(maxY, b.ok() + b.failed());
        }
        h.append("<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"")
                .append(H).append("\" role=\"img\" aria-label=\"requests per 100 ms\">\n");
        h.append("<rect x=\"0\" y=\"0\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" fill=\"#fff\"/>\n");
        double x0 = PAD_LEFT;
        int yBase = H - PAD_BOTTOM;
        double bw = Math.max(1.0, 100.0 / span * plotW);
        for (AnalysisResult.Bucket b : a.buckets()) {
            double x = x0 + (b.startMs() - t0) / span * plotW;
            double okH = (double) b.ok() / maxY * plotH;
            double failH = (double) b.failed() / maxY * plotH;
            if (b.ok() > 0) {
                h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                        + " fill=\"%s\"/>", x, yBase - okH, bw, okH, OK_COLOR));
            }
            if (b.failed() > 0) {
                h.append(String.format(Locale.ROOT, "<rect class=\"failed\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                        + " height=\"%.1f\" fill=\"%s\"/>", x, yBase - okH - Math.max(2, failH), bw, Math.max(2, failH),
                        FAILED_COLOR));
            }
        }
        if (a.warmupEndMs() > t0) {
            h.append(String.format(Locale.ROOT, "<rect class=\"warmup\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                    + " fill=\"#9e9e9e\" fill-opacity=\"0.35\"/><text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#666\">"
                    + "warm-up</text>\n", x0, PAD_TOP, (a.warmupEndMs() - t0) / span * plotW, plotH, x0 + 3, PAD_TOP + 12));
        }
        for (Windows.Window w : a.disruptionWindows()) {
            h.append(String.format(Locale.ROOT, "<rect class=\"disruption\" x=\"%.1f\" y=\"%d\" width=\"%.1f\""
                    + " height=\"%d\" fill=\"#ff9800\" fill-opacity=\"0.25\"/>\n", x0 + (w.startMs() - t0) / span * plotW,
                    PAD_TOP, Math.max(1, (w.endMs() - w.startMs()) / span * plotW), plotH));
        }
        h.append('\n');
        h.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
                PAD_LEFT, yBase, W - 10, yBase));
        long stepS = Math.max(1, (long) Math.ceil(span / 1000.0 / 12));
        for (long s = 0; s * 1000 <= span; s += stepS) {
            double x = x0 + s * 1000 / span * plotW;
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%ds"
                    + "</text>", x, yBase + 16, s));
        }
        h.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">%d</text>"
                + "<text x=\"4\" y=\"%d\" font-size=\"11\">0</text>\n", PAD_TOP + 10, maxY, yBase));
        // every pod event as a dashed marker (hover: what and when); the lanes below name them, one row per pod
        for (TimelineEvent e : r.timeline()) {
            if (e.type() == EventType.TRAFFIC_STARTED || e.type() == EventType.TRAFFIC_ENDED
                    || e.type() == EventType.NOTE || !e.type().isMoment() || e.atMs() < t0 || e.atMs() > t1) {
                continue;
            }
            double x = x0 + (e.atMs() - t0) / span * plotW;
            String color = e.type() == EventType.SIGKILL_SENT || e.type() == EventType.CONTAINER_EXITED ? "#b71c1c"
                    : e.type().name().startsWith("ENDPOINT") ? "#1565c0" : "#6a1b9a";
            h.append(String.format(Locale.ROOT, "<line class=\"event\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
                    + " stroke=\"%s\" stroke-dasharray=\"3,2\"><title>%s: %s at %d</title></line>%n", x,
                    PAD_TOP - 4, x, yBase, color, esc(shortLabel(e)), esc(e.pod() + " " + e.type() + " "
                    + e.detail()), e.atMs()));
        }
        h.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"11\">OK</text><rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\""
                + " fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">failed</text>\n", W - 130, PAD_TOP - 60,
                OK_COLOR, W - 116, PAD_TOP - 51, W - 80, PAD_TOP - 60, FAILED_COLOR, W - 66, PAD_TOP - 51));
        h.append("</svg>\n");
    }

    /** "sigterm sent ·whjjz": the event type and the pod's random suffix, short enough to sit over the chart. */
    static String shortLabel(TimelineEvent e) {
        String type = e.type().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                .replace("pod marked for deletion", "deleted").replace("disruption ", "")
                .replace("replacement ", "new pod ").replace("container exited", "exited");
        if (e.type() == EventType.CONTAINER_EXITED && e.attributes().containsKey("exitCode")) {
            type += " " + e.attributes().get("exitCode");
        }
        if (e.pod().isEmpty()) {
            return type;
        }
        int dash = e.pod().lastIndexOf('-');
        return type + " ·" + (dash >= 0 ? e.pod().substring(dash + 1) : e.pod());
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

    private static String delta(long from, long to) {
        return from < 0 || to < 0 ? "" : String.valueOf(to - from);
    }

    static String esc(String s) {
        return JunitReport.esc(s == null ? "" : s);
    }
}
