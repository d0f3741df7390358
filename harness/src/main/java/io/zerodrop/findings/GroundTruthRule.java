package io.zerodrop.findings;

import io.zerodrop.ledger.GroundTruth;
import java.util.ArrayList;
import java.util.List;

/**
 * What the servers' accounts show that the client did not: requests the server cut while the client saw them OK
 * (hidden drops), and a ledger that is a periodic snapshot rather than a final record.
 */
final class GroundTruthRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        if (e.truth().isEmpty()) {
            return List.of();
        }
        GroundTruth g = e.truth().get();
        List<Finding> out = new ArrayList<>();
        if (g.hiddenDrops() > 0) {
            out.add(new Finding(Finding.Severity.WARNING, "hidden-drops",
                    g.hiddenDrops() + " request(s) cut by the server were reported OK by the client",
                    "Gatling silently retries a request once when its pooled keep-alive connection closes before"
                            + " any answer; the server counted the first attempt as cut",
                    "use the fresh-connections simulation to see every drop; on the server, answer with"
                            + " Connection: close during shutdown and close idle connections before exiting"));
        }
        if (!g.allFinal()) {
            out.add(new Finding(Finding.Severity.INFO, "ledger-incomplete",
                    "a server ledger is a periodic snapshot, not a final record", String.join("; ", g.notes()), ""));
        }
        return out;
    }
}
