package io.zerodrop.findings;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.analysis.Analyzer;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.verdict.EvictionStats;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnclassifiedFindingTest {
    static final long T = 1_800_000_000_000L;

    @Test
    void theFindingQuotesEachDistinctMessageWithItsCount() {
        Analyzer a = new Analyzer(T, T, List.of(), 10, 100);
        a.accept(new RequestRecord("GET /", T + 1, T + 2, false, "j.l.IllegalStateException: pool closed"));
        a.accept(new RequestRecord("GET /", T + 3, T + 4, false, "j.l.IllegalStateException: pool closed"));
        a.accept(new RequestRecord("GET /", T + 5, T + 6, false, "something odd"));
        Finding f = Diagnosis.measured(RunEvidence.measured(List.of(), a.result(), EvictionStats.none(), Optional.empty())).stream()
                .filter(x -> x.code().equals("unclassified-failures")).findFirst().orElseThrow();
        assertThat(f.title()).startsWith("2 distinct failure message(s) zerodrop does not classify: ")
                .contains("\"j.l.IllegalStateException: pool closed\" ×2", "\"something odd\" ×1");
    }
}
