package io.zerodrop.report;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.LatencyHistogram;
import io.zerodrop.analysis.Windows;
import io.zerodrop.findings.Finding;
import io.zerodrop.ledger.GroundTruth;
import io.zerodrop.verdict.Check;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The summary table printed at the end of a run (stdout: it is the result). */
public final class ConsoleSummary {
    private ConsoleSummary() {
    }

    /** The availability as measured, or that there is none: a run that measured nothing has no 100 %. */
    static String availability(AnalysisResult a) {
        return a.measuredAnything() ? String.format(Locale.ROOT, "%.3f %%", a.availabilityPercent())
                : "n/a (nothing measured)";
    }

    public static String render(RunReport r, String title, List<String> reportFiles) {
        AnalysisResult a = r.analysis();
        StringBuilder s = new StringBuilder(1024);
        s.append(title).append('\n');
        s.append(String.format(Locale.ROOT, "  requests   measured %d  ok %d  failed %d  availability %s"
                + "  (warm-up: %d excluded)%n", a.measuredRequests(), a.measuredOk(), a.measuredFailed(),
                availability(a), a.warmupRequests()));
        if (a.measuredAnything()) {
            s.append(String.format(Locale.ROOT, "  rate       asked %.1f/s  achieved %.1f/s%s%n", a.askedRate(),
                    a.achievedRate(), a.loadGeneratorSaturated() ? "  LOAD GENERATOR SATURATED" : ""));
        } else {
            s.append(String.format(Locale.ROOT, "  rate       asked %.1f/s  nothing measured%n", a.askedRate()));
        }
        s.append("  latency ms        count      p50      p95      p99      max\n");
        for (Map.Entry<Windows.Kind, LatencyHistogram.Summary> e : a.latency().entrySet()) {
            LatencyHistogram.Summary l = e.getValue();
            if (l.count() > 0) {
                s.append(String.format(Locale.ROOT, "    %-12s %8d %8d %8d %8d %8d%n",
                        e.getKey().name().toLowerCase(Locale.ROOT), l.count(), l.p50(), l.p95(), l.p99(), l.max()));
            }
        }
        if (!a.failuresByClass().isEmpty()) {
            s.append("  failures   ").append(join(a.failuresByClass())).append('\n');
            s.append("  phases     ").append(join(a.failuresByPhase())).append('\n');
            if (!a.failuresByPod().isEmpty()) {
                s.append("  pods       ").append(join(a.failuresByPod())).append('\n');
            }
            s.append(String.format(Locale.ROOT, "  bursts     longest %d ms, %d burst(s)%n", a.longestFailureBurstMs(),
                    a.failureBursts()));
        }
        r.groundTruth().ifPresent(g -> groundTruth(s, g));
        for (Finding f : r.findings()) {
            s.append("  ").append(f.severity()).append("  ").append(f.title()).append('\n');
        }
        s.append("  verdict    ").append(r.verdict().status()).append('\n');
        for (Check c : r.verdict().checks()) {
            s.append("    ").append(c.passed() ? "pass " : "FAIL ").append(c.name()).append(": expected ")
                    .append(c.expected()).append(", measured ").append(c.actual()).append('\n');
        }
        for (String reason : r.verdict().reasons()) {
            // a failed check's reason repeats its line above; every other reason is said here once
            if (r.verdict().checks().stream().noneMatch(c -> reason.startsWith(c.name() + ": expected "))) {
                s.append("    ").append(reason).append('\n');
            }
        }
        s.append("  reports    ").append(String.join("  ", reportFiles)).append('\n');
        s.append("  clock      all times are epoch ms from this host's clock\n");
        return s.toString();
    }

    /** The client's and the servers' counts, and the exact join by request id when there is one. */
    private static void groundTruth(StringBuilder s, GroundTruth g) {
        s.append(String.format(Locale.ROOT, "  client     sent %d  ok %d  failed %d (whole run)%n", g.clientTotal(),
                g.clientOk(), g.clientFailed()));
        if (g.exact() == null) {
            s.append(String.format(Locale.ROOT, "  server     received %d  ok %d  error %d  cut %d%s  hidden drops"
                    + " %d%n", g.serverReceived(), g.serverOk(), g.serverError(), g.serverCut(),
                    g.allFinal() ? "" : " (lower bound)", g.hiddenDrops()));
        } else {
            // with the join by request id, its counts are the truth; the ledgers' totals are shown as what they are
            s.append(String.format(Locale.ROOT, "  server     received %d  ok %d  error %d  cut %d  (ledger totals%s)%n",
                    g.serverReceived(), g.serverOk(), g.serverError(), g.serverCut(), g.ledgersAgreeWithJoin()
                            ? "; the join by id agrees" : "; they differ from the exact join by id below, which is"
                            + " the truth: see the notes in report.html"));
        }
        if (g.exact() != null) {
            var x = g.exact();
            s.append(String.format(Locale.ROOT, "  by id      %d failed: never reached %d, answered but lost %d, cut %d,"
                    + " error %d; hidden drops %d (exact, requests.tsv)%n", x.clientFailed(), x.neverReached(),
                    x.answeredButLost(), x.cutByServer(), x.failedOther(), x.hiddenDrops()));
        }
    }

    private static String join(Map<?, Long> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(k).append(' ').append(v).append(", "));
        return b.length() == 0 ? "" : b.substring(0, b.length() - 2);
    }
}
