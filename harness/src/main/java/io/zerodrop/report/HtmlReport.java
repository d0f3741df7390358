package io.zerodrop.report;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.core.AtomicFiles;
import io.zerodrop.timeline.TimelineEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Writes {@code report.html}: one self-contained page (inline CSS and SVG, no script, no network) with the
 * per-100-ms chart of OK and failed requests and the pod events on the same time axis, the per-pod termination
 * table, the failure classes, the ground truth and the verdict.
 */
public final class HtmlReport {
    static final String OK_COLOR = "#2e7d32";
    static final String FAILED_COLOR = "#c62828";
    static final int W = 1100;
    static final int PAD_LEFT = 50;

    /** One section of the page: rendered from the run's report, appended to the page. */
    @FunctionalInterface
    interface HtmlSection {
        void render(StringBuilder h, RunReport r);
    }

    /** The page's sections, in order; a new section is one renderer and its place here. */
    static final List<HtmlSection> SECTIONS = List.of(FindingsSection::render, RequestsChart::render,
            PodLanes::render, GeneratorTable::render, VerdictSection::render, FailuresSection::render,
            LatencySection::render, TerminationsSection::render, GroundTruthSection::render,
            FailedRequestsSection::render, RunSection::render);

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
                .append(esc(r.header().host())).append("); the chart's axis is ")
                .append("seconds since the run started at ").append(Instant.ofEpochMilli(a.runStartMs()))
                .append(".</p>\n");

        for (HtmlSection section : SECTIONS) {
            section.render(h, r);
        }
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

    static String esc(String s) {
        return JunitReport.esc(s == null ? "" : s);
    }
}
