package io.zerodrop.cli;

import io.zerodrop.core.Xml;
import java.util.List;
import java.util.Locale;

/** {@code report.html} of a tune: every run as a table and a chart (failed requests per run, by value), and the recommendation. */
final class TuneReport {
    private TuneReport() {
    }

    static String html(String param, List<TuneCommand.Trial> trials, String recommended, String how, String bound,
            String note, String patch) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>zerodrop tune "
                + esc(param) + "</title><style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;"
                + "text-align:right}th{background:#eee}.ok{fill:#2a2}.ko{fill:#c22}.nj{fill:#f9a825}</style></head><body>\n");
        h.append("<h1>zerodrop tune: ").append(esc(param)).append("</h1>\n");
        h.append(recommended != null ? "<p><b>Recommended: " + esc(param) + " = " + esc(recommended) + "</b> — "
                + esc(how) + "; " + esc(bound) + "</p>\n" : "<p><b>No recommendation</b>: " + esc(note) + "</p>\n");
        long most = Math.max(1, trials.stream().mapToLong(TuneCommand.Trial::failed).max().orElse(1));
        int w = 60;
        int chartH = 160;
        h.append("<svg width=\"").append(trials.size() * w + 40).append("\" height=\"").append(chartH + 50)
                .append("\" role=\"img\" aria-label=\"failed requests per run\">\n");
        for (int i = 0; i < trials.size(); i++) {
            TuneCommand.Trial t = trials.get(i);
            int bar = t.failed() <= 0 ? 3 : (int) Math.max(3, chartH * t.failed() / most);
            String count = t.judged() ? String.valueOf(t.failed()) : "not judged (" + t.verdict() + ")";
            int x = 30 + i * w;
            h.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\">"
                    + "<title>run %d: %s = %s, %s failed</title></rect>%n", t.failed() == 0 ? "ok" : t.judged()
                    ? "ko" : "nj", x, chartH - bar + 10, w - 16, bar, t.index(), esc(param), esc(t.value()), esc(count)));
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n", x, chartH + 25,
                    esc(t.value())));
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>%n", x,
                    chartH - bar + 6, t.judged() ? String.valueOf(t.failed()) : "-"));
        }
        h.append("</svg>\n<table><tr><th>run</th><th>").append(esc(param)).append("</th><th>purpose</th><th>failed</th>"
                + "<th>verdict</th><th>lag until routing stopped, max (ms)</th><th>drain max (ms)</th><th>reports</th></tr>\n");
        for (TuneCommand.Trial t : trials) {
            h.append("<tr><td>").append(t.index()).append("</td><td>").append(esc(t.value())).append("</td><td>")
                    .append(esc(t.purpose())).append("</td><td>").append(t.judged() ? String.valueOf(t.failed()) : "-")
                    .append("</td><td>")
                    .append(esc(t.verdict())).append("</td><td>").append(t.lagMaxMs()).append("</td><td>")
                    .append(t.drainMaxMs()).append("</td><td><a href=\"").append(esc(t.dir().getFileName().toString()))
                    .append("/report.html\">report</a></td></tr>\n");
        }
        h.append("</table>\n");
        if (patch != null) {
            h.append("<h2>Patch (fixes/tune.yaml)</h2>\n<pre>").append(esc(patch)).append("</pre>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    private static String esc(String s) {
        return Xml.escape(s);
    }
}
