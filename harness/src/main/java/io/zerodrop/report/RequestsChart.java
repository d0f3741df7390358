package io.zerodrop.report;

import static io.zerodrop.report.HtmlReport.FAILED_COLOR;
import static io.zerodrop.report.HtmlReport.OK_COLOR;
import static io.zerodrop.report.HtmlReport.PAD_LEFT;
import static io.zerodrop.report.HtmlReport.axis;
import static io.zerodrop.report.HtmlReport.esc;
import static io.zerodrop.report.HtmlReport.width;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.Windows;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.util.Locale;

/**
 * report.html's chart: OK and failed requests per 100 ms (SVG), the warm-up and the disruption windows shaded, every
 * pod event a dashed marker on the time axis the pod lanes share ({@link HtmlReport#axis}).
 */
final class RequestsChart {
    private static final int H = 260;
    private static final int PAD_BOTTOM = 30;
    private static final int PAD_TOP = 70;

    private RequestsChart() {
    }

    static void render(StringBuilder h, RunReport r) {
        h.append("<h2>Requests per 100 ms</h2>\n");
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
        bars(h, a, t0, span, plotW, maxY);
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
        events(h, r, t0, t1, span, plotW);
        h.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"11\">OK</text><rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\""
                + " fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">failed</text>\n", W - 130, PAD_TOP - 60,
                OK_COLOR, W - 116, PAD_TOP - 51, W - 80, PAD_TOP - 60, FAILED_COLOR, W - 66, PAD_TOP - 51));
        h.append("</svg>\n");
    }

    /** One bar per 100 ms: OK stacked under failed (a failed part is at least 2 px high, so one failure shows). */
    private static void bars(StringBuilder h, AnalysisResult a, long t0, double span, int plotW, long maxY) {
        double x0 = PAD_LEFT;
        int yBase = H - PAD_BOTTOM;
        int plotH = H - PAD_BOTTOM - PAD_TOP;
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
    }

    /** Every pod event as a dashed marker (hover: what and when); the lanes below name them, one row per pod. */
    private static void events(StringBuilder h, RunReport r, long t0, long t1, double span, int plotW) {
        double x0 = PAD_LEFT;
        int yBase = H - PAD_BOTTOM;
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
    }

    /** "sigterm sent ·whjjz": the event type and the pod's random suffix, short enough to sit over the chart. */
    static String shortLabel(TimelineEvent e) {
        String type = e.type().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                .replace("pod marked for deletion", "deleted").replace("disruption ", "")
                .replace("replacement ", "new pod ").replace("container exited", "exited");
        if (e.type() == EventType.CONTAINER_EXITED && e.has(Attribute.EXIT_CODE)) {
            type += " " + e.attribute(Attribute.EXIT_CODE);
        }
        if (e.pod().isEmpty()) {
            return type;
        }
        int dash = e.pod().lastIndexOf('-');
        return type + " ·" + (dash >= 0 ? e.pod().substring(dash + 1) : e.pod());
    }
}
