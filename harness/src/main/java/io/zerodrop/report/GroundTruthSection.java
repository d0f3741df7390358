package io.zerodrop.report;

import static io.zerodrop.report.HtmlReport.esc;

import io.zerodrop.ledger.GroundTruth;

/**
 * report.html's client-seen against server-seen counts and the hidden drops, with the notes that say which is the
 * truth.
 */
final class GroundTruthSection {
    private GroundTruthSection() {
    }

    static void render(StringBuilder h, RunReport r) {
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
    }
}
