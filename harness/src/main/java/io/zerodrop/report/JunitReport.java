package io.zerodrop.report;

import io.zerodrop.core.Xml;
import io.zerodrop.core.AtomicFiles;
import io.zerodrop.verdict.Check;
import io.zerodrop.verdict.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * Writes {@code junit.xml}: one testcase per expectation (a failure carries expected and measured numbers), plus a
 * {@code measurement} testcase that errors when the run was inconclusive. Surefire-report readers (Jenkins,
 * GitLab, GitHub actions) parse it.
 */
public final class JunitReport {
    private JunitReport() {
    }

    public static String render(RunReport r, String suiteName) {
        Verdict v = r.verdict();
        long failures = v.checks().stream().filter(c -> !c.passed()).count();
        boolean inconclusive = v.status() == Verdict.Status.INCONCLUSIVE || v.status() == Verdict.Status.ERROR;
        double seconds = Math.max(0, r.analysis().lastRequestMs() - r.analysis().firstRequestMs()) / 1000.0;
        StringBuilder x = new StringBuilder(2048);
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<testsuites name=\"zerodrop\" tests=\"").append(v.checks().size() + 1).append("\" failures=\"")
                .append(failures).append("\" errors=\"").append(inconclusive ? 1 : 0).append("\">\n");
        x.append("  <testsuite name=\"").append(esc(suiteName)).append("\" tests=\"").append(v.checks().size() + 1)
                .append("\" failures=\"").append(failures).append("\" errors=\"").append(inconclusive ? 1 : 0)
                .append("\" skipped=\"0\" time=\"").append(String.format(Locale.ROOT, "%.3f", seconds))
                .append("\" timestamp=\"").append(Instant.ofEpochMilli(Math.max(0, r.analysis().runStartMs())))
                .append("\">\n");
        x.append("    <testcase classname=\"").append(esc(suiteName)).append("\" name=\"measurement\" time=\"0\">");
        if (inconclusive) {
            x.append("\n      <error message=\"").append(esc(String.join("; ", v.reasons()))).append("\" type=\"")
                    .append(v.status() == Verdict.Status.ERROR ? "error" : "inconclusive").append("\"/>\n    ");
        }
        x.append("</testcase>\n");
        for (Check c : v.checks()) {
            x.append("    <testcase classname=\"").append(esc(suiteName)).append("\" name=\"").append(esc(c.name()))
                    .append("\" time=\"0\">");
            if (!c.passed()) {
                x.append("\n      <failure message=\"expected ").append(esc(c.expected())).append(", measured ")
                        .append(esc(c.actual())).append("\" type=\"expectation\">").append(esc(c.explanation()))
                        .append("</failure>\n    ");
            }
            x.append("</testcase>\n");
        }
        x.append("    <system-out>").append(esc("verdict " + v.status() + "; " + r.analysis().measuredFailed()
                + " of " + r.analysis().measuredRequests() + " measured requests failed")).append("</system-out>\n");
        x.append("  </testsuite>\n</testsuites>\n");
        return x.toString();
    }

    public static void write(RunReport r, String suiteName, Path file) throws IOException {
        AtomicFiles.writeString(file, render(r, suiteName));
    }

    static String esc(String s) {
        return Xml.escape(s);
    }
}
