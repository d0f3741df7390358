package io.zerodrop.report;

import io.zerodrop.analysis.Attribution;
import io.zerodrop.analysis.PodTermination;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.RoutingSource;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * The termination drawn: one lane per pod that was disrupted and one per replacement, on the requests chart's time
 * axis. A disrupted pod's lane shows marked, preStop, SIGTERM, exit (code), out of rotation and removed, with the
 * stretch it was still in rotation after SIGTERM shaded; a replacement's shows its start, listening, Ready and in
 * rotation. Every failed request is a dot on the lane of the pod it is attributed to. Labels are stacked in rows so
 * that no two overlap (their width is estimated generously; a test measures the rendered boxes in Chromium).
 */
final class PodLanes {
    static final int LABEL_ROW = 12;
    static final int LANE_BAR = 14;
    static final double CHAR_PX = 6.2;

    private PodLanes() {
    }

    /** One mark on a lane. */
    private record Mark(long atMs, String label, String color, boolean inferred) {
    }

    static void render(StringBuilder h, RunReport r) {
        List<PodTermination> terms = r.analysis().terminations();
        if (terms.isEmpty()) {
            return;
        }
        long[] ax = HtmlReport.axis(r);
        long t0 = ax[0];
        double span = ax[1] - t0;
        int width = HtmlReport.width(span);
        int plotW = width - HtmlReport.PAD_LEFT - 10;
        LongFunction<Double> x = t -> HtmlReport.PAD_LEFT + (t - t0) / span * plotW;

        Set<String> pods = new LinkedHashSet<>();
        terms.forEach(t -> {
            pods.add(t.pod());
            if (!t.replacement().isEmpty()) {
                pods.add(t.replacement());
            }
        });
        Map<String, List<Mark>> marks = marks(r, pods);
        Map<String, List<Long>> failures = failures(r, marks.keySet());
        StringBuilder body = new StringBuilder();
        int y = 8;
        for (String pod : pods) {
            y = lane(body, pod, terms, marks.get(pod), failures.getOrDefault(pod, List.of()), x, y, plotW);
        }
        int height = y + 16;
        h.append("<h2>Pod terminations, lane by lane</h2>\n<p class=\"small\">Same time axis as the chart above. Shaded:")
                .append(" <span style=\"background:#ce93d8\">preStop</span>, <span style=\"background:#ef9a9a\">SIGTERM")
                .append(" while still in rotation</span>, <span style=\"background:#ffe082\">draining</span>,")
                .append(" <span style=\"background:#b3e5fc\">replacement starting</span>; red dots: failed requests on")
                .append(" the pod they are attributed to")
                .append(r.analysis().attributionsOmitted() > 0 ? " (the first " + r.analysis().attributions().size()
                        + "; " + r.analysis().attributionsOmitted() + " more in the counts only)" : "")
                .append("; * inferred (not visible to the runtime) or, for routing stopped, assumed from the endpoint")
                .append(" change plus the runtime's allowance rather than measured.</p>\n");
        h.append(String.format(Locale.ROOT, "<svg id=\"lanes\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
                + " height=\"%d\" role=\"img\" aria-label=\"pod terminations by lane\">%n", width, height));
        h.append(body);
        long stepS = Math.max(1, (long) Math.ceil(span / 1000.0 / 12));
        for (long s = 0; s * 1000 <= span; s += stepS) {
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%ds"
                    + "</text>", x.apply(t0 + s * 1000), height - 4, s));
        }
        h.append("\n</svg>\n");
    }

    /** The labelled moments of each lane's pod, in timeline order. */
    private static Map<String, List<Mark>> marks(RunReport r, Set<String> pods) {
        Map<String, List<Mark>> marks = new LinkedHashMap<>();
        pods.forEach(p -> marks.put(p, new ArrayList<>()));
        for (TimelineEvent e : r.timeline()) {
            if (!marks.containsKey(e.pod()) || !e.type().isMoment()) {
                continue;
            }
            String label = label(e);
            if (label != null) {
                boolean assumed = e.type() == EventType.ROUTING_STOPPED
                        && RoutingSource.of(e).filter(RoutingSource::measured).isEmpty();
                marks.get(e.pod()).add(new Mark(e.atMs(), label, color(e.type()), assumed
                        || e.has(Attribute.INFERRED)));
            }
        }
        return marks;
    }

    /** When each failed request attributed to a lane's pod was sent. */
    private static Map<String, List<Long>> failures(RunReport r, Set<String> pods) {
        Map<String, List<Long>> failures = new LinkedHashMap<>();
        for (Attribution a : r.analysis().attributions()) {
            for (String p : a.pods()) {
                if (pods.contains(p)) {
                    failures.computeIfAbsent(p, k -> new ArrayList<>()).add(a.atMs());
                }
            }
        }
        return failures;
    }

    /** The label row of each mark (sorted here by time): greedy, left to right, so that no two labels overlap. */
    private static int[] labelRows(List<Mark> ms, LongFunction<Double> x) {
        ms.sort(Comparator.comparingLong(Mark::atMs));
        List<Double> rowEnds = new ArrayList<>();
        int[] rows = new int[ms.size() + 1];
        for (int i = 0; i < ms.size(); i++) {
            Mark m = ms.get(i);
            double mx = x.apply(m.atMs());
            int row = 0;
            while (row < rowEnds.size() && rowEnds.get(row) > mx) {
                row++;
            }
            double labelW = CHAR_PX * m.label().length() + 6;
            if (row == rowEnds.size()) {
                rowEnds.add(mx + labelW);
            } else {
                rowEnds.set(row, mx + labelW);
            }
            rows[i] = row;
        }
        rows[ms.size()] = Math.max(1, rowEnds.size());
        return rows;
    }

    /** One pod's lane from {@code top}: name, labels in rows, its bar with phases and failures; returns the next top. */
    private static int lane(StringBuilder body, String pod, List<PodTermination> terms, List<Mark> ms,
            List<Long> failures, LongFunction<Double> x, int top, int plotW) {
        int[] placed = labelRows(ms, x);
        int barY = top + 14 + placed[ms.size()] * LABEL_ROW;
        PodTermination asDeleted = terms.stream().filter(t -> t.pod().equals(pod)).findFirst().orElse(null);
        boolean replacement = asDeleted == null;
        body.append(String.format(Locale.ROOT, "<g class=\"lane\" data-pod=\"%s\"><text class=\"lane-name\" x=\"4\""
                + " y=\"%d\" font-size=\"11\" font-weight=\"bold\">%s%s</text>%n", HtmlReport.esc(pod), top + 10,
                HtmlReport.esc(pod), replacement ? " (replacement)" : ""));
        body.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f5f5f5\"/>%n",
                HtmlReport.PAD_LEFT, barY, plotW, LANE_BAR));
        if (asDeleted != null) {
            span(body, x, asDeleted.preStopStartMs(), asDeleted.preStopEndMs(), barY, "#ce93d8", "preStop");
            span(body, x, asDeleted.sigtermMs(), asDeleted.inRotationUntilMs(), barY, "#ef9a9a",
                    "SIGTERM while still in rotation");
            span(body, x, Math.max(asDeleted.inRotationUntilMs(), asDeleted.sigtermMs()), asDeleted.exitMs(), barY,
                    "#ffe082", "draining");
        } else {
            PodTermination of = terms.stream().filter(t -> t.replacement().equals(pod)).findFirst().orElseThrow();
            span(body, x, of.replacementStartedMs(), of.replacementReadyMs(), barY, "#b3e5fc", "starting");
        }
        for (int i = 0; i < ms.size(); i++) {
            Mark m = ms.get(i);
            double mx = x.apply(m.atMs());
            int ly = top + 14 + placed[i] * LABEL_ROW + 9;
            body.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\""
                    + "%s/><text class=\"lane-label\" x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"%s\"><title>%s at"
                    + " %d%s</title>%s</text>%n", mx, ly - 8, mx, barY + LANE_BAR, m.color(), m.inferred()
                    ? " stroke-dasharray=\"2,2\"" : "", mx + 2, ly, m.color(), HtmlReport.esc(pod + " " + m.label()),
                    m.atMs(), m.inferred() ? " (inferred)" : "", HtmlReport.esc(m.label() + (m.inferred() ? "*"
                            : ""))));
        }
        for (long f : failures) {
            body.append(String.format(Locale.ROOT, "<circle class=\"failure\" cx=\"%.1f\" cy=\"%d\" r=\"2\""
                    + " fill=\"#c62828\"/>", x.apply(f), barY + LANE_BAR / 2));
        }
        body.append("\n</g>\n");
        return barY + LANE_BAR + 10;
    }

    private static void span(StringBuilder b, LongFunction<Double> x, long from, long to, int y,
            String color, String what) {
        if (from < 0 || to < 0 || to <= from) {
            return;
        }
        b.append(String.format(Locale.ROOT, "<rect class=\"phase\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                + " fill=\"%s\"><title>%s: %d ms</title></rect>%n", x.apply(from), y, Math.max(1, x.apply(to)
                - x.apply(from)), LANE_BAR, color, what, to - from));
    }

    private static String label(TimelineEvent e) {
        return switch (e.type()) {
            case POD_MARKED_FOR_DELETION -> "marked";
            case PRESTOP_STARTED -> "preStop";
            case PRESTOP_ENDED -> "preStop end";
            case SIGTERM_SENT -> "SIGTERM";
            case SIGKILL_SENT -> "SIGKILL";
            case CONTAINER_EXITED -> "exit " + e.attribute(Attribute.EXIT_CODE, "?");
            case ENDPOINT_TERMINATING, ENDPOINT_NOT_READY -> "out of rotation";
            case ENDPOINT_REMOVED -> "removed";
            case ROUTING_STOPPED -> "routing stopped";
            case REPLACEMENT_STARTED -> "started";
            case CONTAINER_LISTENING -> "listening";
            case REPLACEMENT_READY -> "Ready";
            case ENDPOINT_READY -> "in rotation";
            default -> null;
        };
    }

    private static String color(EventType t) {
        return switch (t) {
            case SIGKILL_SENT, CONTAINER_EXITED -> "#b71c1c";
            case ENDPOINT_TERMINATING, ENDPOINT_NOT_READY, ENDPOINT_REMOVED, ENDPOINT_READY, ROUTING_STOPPED -> "#1565c0";
            case REPLACEMENT_STARTED, CONTAINER_LISTENING, REPLACEMENT_READY -> "#2e7d32";
            default -> "#6a1b9a";
        };
    }
}
