package io.zerodrop.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.Analyzer;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.report.ConsoleSummary;
import io.zerodrop.report.Header;
import io.zerodrop.report.RunReport;
import io.zerodrop.verdict.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An app that exits at once on SIGTERM (target-app {@code SHUTDOWN_MODE=immediate}) never rewrites its ledger: the
 * ledgers' totals then disagree with the join by request id. The report must not print both as if each were true.
 */
class GroundTruthTest {
    static final long T = 1_800_000_000_000L;

    private static AnalysisResult tenRequestsTwoCut() {
        Analyzer a = new Analyzer(T, T, List.of(), 10, 100);
        for (int i = 0; i < 10; i++) {
            boolean ok = i < 8;
            a.accept(new RequestRecord("GET /", T + i * 100L, T + i * 100L + 5, ok, ok ? "" : "Premature close"));
        }
        return a.result();
    }

    /** The killed pod's periodic snapshot: written before its last 4 requests, 1 of them in flight then. */
    private static List<LedgerSnapshot> ledgers() {
        return List.of(new LedgerSnapshot(Path.of("a.ledger"), "pod-a", true, T + 2_000, 143, 5, 5, 0, 0, 0, 0),
                new LedgerSnapshot(Path.of("b.ledger"), "pod-b", false, T + 100, null, 1, 0, 0, 0, 0, 1));
    }

    private static RequestJoin.Exact join(long received, long cut) {
        return new RequestJoin.Exact(10, 8, 2, 10, received, 0, 0, cut, 0, 0, 0, 0, Map.of("pod-b", 2L));
    }

    @Test
    void whenTheLedgersDisagreeWithTheJoinTheReportSaysTheJoinIsTheTruthAndWhy() {
        GroundTruth g = GroundTruth.of(tenRequestsTwoCut(), ledgers(), join(10, 2));

        assertThat(g.ledgersAgreeWithJoin()).isFalse();
        assertThat(g.notes()).anySatisfy(n -> assertThat(n).contains("the ledgers count 6 received and 1 cut",
                "count 10 received and 2 cut", "The join is the truth", "periodic snapshots of processes that died"));
        String console = ConsoleSummary.render(new RunReport(Header.of("run"), List.of(), List.of(), tenRequestsTwoCut(),
                Optional.of(g), List.of(), Verdict.error("x"), Optional.empty()), "t", List.of());
        assertThat(console).contains("cut 1  (ledger totals; they differ from the exact join by id below, which is"
                + " the truth").contains("by id      2 failed");
        assertThat(console.lines().filter(l -> l.contains("hidden drops")).toList()).as("one hidden-drops figure")
                .singleElement().asString().contains("(exact, requests.tsv)");
    }

    @Test
    void whenTheyAgreeNothingIsSaidOfIt() {
        List<LedgerSnapshot> finals = List.of(
                new LedgerSnapshot(Path.of("a.ledger"), "pod-a", true, T + 2_000, 0, 10, 8, 0, 2, 0, 0));
        GroundTruth g = GroundTruth.of(tenRequestsTwoCut(), finals, join(10, 2));
        assertThat(g.ledgersAgreeWithJoin()).isTrue();
        assertThat(g.notes()).noneSatisfy(n -> assertThat(n).contains("The join is the truth"));
    }
}
