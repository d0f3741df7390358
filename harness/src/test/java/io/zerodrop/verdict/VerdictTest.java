package io.zerodrop.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.Analyzer;
import io.zerodrop.gatling.RequestRecord;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class VerdictTest {
    static final long T = 1_800_000_000_000L;

    static AnalysisResult run(int ok, int refused) {
        Analyzer a = new Analyzer(T, T, List.of(), 10, 100);
        for (int i = 0; i < ok + refused; i++) {
            long s = T + i * 100L;
            a.accept(new RequestRecord("GET /", s, s + 2, i < ok, i < ok ? "" : "Connection refused"));
        }
        return a.result();
    }

    @Test
    void zeroDropsPassesOnlyWithoutDrops() {
        Verdict clean = Verdict.judge(run(100, 0), Expectations.zeroDrops(), 0L);
        assertThat(clean.status()).isEqualTo(Verdict.Status.PASSED);
        assertThat(clean.checks()).extracting(Check::name).containsExactly("max-dropped", "max-hidden-drops");

        Verdict dropped = Verdict.judge(run(97, 3), Expectations.zeroDrops(), 0L);
        assertThat(dropped.status()).isEqualTo(Verdict.Status.FAILED);
        assertThat(dropped.reasons()).singleElement().asString()
                .contains("max-dropped: expected ≤ 0, measured 3", "REFUSED 3");
    }

    @Test
    void everyExpectationIsCheckedWithItsNumbers() {
        Expectations e = new Expectations(5L, 2.0, 1000L, 50L, 99.0, 1L);
        Verdict v = Verdict.judge(run(97, 3), e, 2L);
        assertThat(v.checks()).extracting(Check::name, Check::passed).containsExactly(
                Tuple.tuple("max-dropped", true),
                Tuple.tuple("max-error-rate", false),
                Tuple.tuple("max-failure-burst", true),
                Tuple.tuple("p99-ceiling", true),
                Tuple.tuple("min-availability", false),
                Tuple.tuple("max-hidden-drops", false));
        assertThat(v.checks().get(1).actual()).isEqualTo("3.000 %");
        assertThat(v.checks().get(2).actual()).isEqualTo("200 ms");
        assertThat(v.status()).isEqualTo(Verdict.Status.FAILED);
    }

    @Test
    void aSaturatedLoadGeneratorMakesTheRunInconclusive() {
        Analyzer a = new Analyzer(T, T, List.of(), 1000, 10);
        for (int i = 0; i < 101; i++) {
            a.accept(new RequestRecord("GET /", T + i * 100L, T + i * 100L + 1, true, ""));
        }
        Verdict v = Verdict.judge(a.result(), Expectations.zeroDrops(), null);
        assertThat(v.status()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(v.reasons().get(0)).contains("10.0 req/s of the 1000.0 asked");
    }

    /**
     * A generator out of open files is also short of the asked rate: both are said, the specific cause first, and the
     * target is neither blamed nor credited (it was "saturated" alone, hiding why).
     */
    @Test
    void aGeneratorOutOfOpenFilesAndShortOfTheRateSaysBothTheCauseFirst() {
        Analyzer a = new Analyzer(T, T, List.of(), 1000, 10);
        for (int i = 0; i < 101; i++) {
            boolean ok = i % 2 == 0;
            a.accept(new RequestRecord("GET /", T + i * 100L, T + i * 100L + 1, ok, ok ? ""
                    : "i.n.c.u.Errors$NativeIoException: newSocketStream(..) failed: Too many open files"));
        }
        Verdict v = Verdict.judge(a.result(), Expectations.zeroDrops(), null);
        assertThat(v.status()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(v.reasons()).hasSize(3);
        assertThat(v.reasons().get(0)).startsWith("the load generator could not send 50 request(s) itself");
        assertThat(v.reasons().get(1)).contains("req/s of the 1000.0 asked");
        assertThat(v.reasons().get(2)).startsWith("max-dropped: expected ≤ 0, measured 50");
    }

    @Test
    void invalidExpectationsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> new Expectations(-1L, null, null, null, null, null))
                .hasMessage("expectation maxDropped=-1 is invalid: expected 0 or more");
        assertThatThrownBy(() -> new Expectations(null, 101.0, null, null, null, null))
                .hasMessageContaining("maxErrorRatePercent=101.0");
    }
}
