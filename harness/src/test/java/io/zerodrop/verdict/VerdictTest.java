package io.zerodrop.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.Analyzer;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
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

    static final String TIMEOUT = "Request timeout to 127.0.0.1:80 after 5000 ms";

    /**
     * A pod deleted at +10 s: 100 baseline requests before it answered in {@code baselineMs}, then in the disruption
     * {@code timeouts} requests timed out after 5 s and {@code refused} were refused, among answered ones.
     */
    static AnalysisResult deletionRun(long baselineMs, int timeouts, int refused) {
        return deletionRun(baselineMs, timeouts, refused, TIMEOUT);
    }

    static final String CONNECT_TIMEOUT = "i.n.c.ConnectTimeoutException: connection timed out after 2000 ms:"
            + " /127.0.0.1:80";

    /** As above, the timeouts failing with {@code timeoutMessage}. */
    static AnalysisResult deletionRun(long baselineMs, int timeouts, int refused, String timeoutMessage) {
        List<TimelineEvent> timeline = List.of(
                TimelineEvent.of(T + 10_000, EventType.DISRUPTION_ISSUED, "pod-a", "delete-1", "delete pod-a"),
                TimelineEvent.of(T + 10_010, EventType.SIGTERM_SENT, "pod-a", "delete-1", ""));
        Analyzer a = new Analyzer(T, T, timeline, 10, 100);
        List<RequestRecord> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add(new RequestRecord("GET /", T + i * 100L, T + i * 100L + baselineMs, true, ""));
        }
        for (int i = 0; i < 20; i++) {
            long s = T + 10_100 + i * 100L;
            boolean timedOut = i < timeouts;
            boolean wasRefused = !timedOut && i < timeouts + refused;
            records.add(new RequestRecord("GET /", s, s + (timedOut ? 5_000 : 3), !timedOut && !wasRefused,
                    timedOut ? timeoutMessage : wasRefused ? "Connection refused" : ""));
        }
        records.forEach(a::accept);
        return a.result();
    }

    static Verdict judge(AnalysisResult a, long requestTimeoutMs) {
        return Verdict.judge(a, Expectations.zeroDrops(), 0L, EvictionStats.none(), List.of(), List.of(),
                List.of(), requestTimeoutMs);
    }

    /**
     * Seen on a 2-core machine at load 19: the hardened demo FAILED with 11 timeouts while its baseline, before any
     * disruption, had a p99 of 5,933 ms against a 5,000 ms timeout. Timeouts from a starved machine are not the
     * target's drops: the run is INCONCLUSIVE (exit 3), saying why; where requests were answered fast before the
     * disruption, the same timeouts fail it.
     */
    @Test
    void timeoutsAfterABaselineAlreadyAsSlowAsTheTimeoutAreInconclusiveNotTheTargetsDrops() {
        Verdict starved = judge(deletionRun(3_000, 3, 0), 5_000);
        assertThat(starved.status()).as(starved.reasons().toString()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(starved.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(starved.reasons()).anySatisfy(r -> assertThat(r).contains("baseline's p99 was",
                "slowest 3000 ms, against a request timeout of 5000 ms", "the 3 timed-out request(s)",
                "traffic.requestTimeout"));

        Verdict fast = judge(deletionRun(40, 3, 0), 5_000);
        assertThat(fast.status()).isEqualTo(Verdict.Status.FAILED);
        assertThat(fast.reasons()).noneSatisfy(r -> assertThat(r).contains("already slow"));

        Verdict unknownTimeout = judge(deletionRun(3_000, 3, 0), 0);
        assertThat(unknownTimeout.status()).isEqualTo(Verdict.Status.FAILED);
    }

    /**
     * Seen at load 21 on 2 cores: the hardened demo FAILED on 5 connect timeouts (2 s) to a replacement that had just
     * started, its baseline's p50 3,024 ms. Connects that timed out are doubtful on the same terms as answers that
     * did: against the connect timeout.
     */
    @Test
    void connectTimeoutsAfterABaselineAsSlowAsHalfTheConnectTimeoutAreInconclusive() {
        Verdict starved = Verdict.judge(deletionRun(1_500, 3, 0, CONNECT_TIMEOUT), Expectations.zeroDrops(), 0L,
                EvictionStats.none(), List.of(), List.of(), List.of(), 5_000, 2_000);
        assertThat(starved.status()).as(starved.reasons().toString()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(starved.reasons()).anySatisfy(r -> assertThat(r).contains("slowest 1500 ms, against a connect"
                + " timeout of 2000 ms", "the 3 timed-out request(s)", "raise traffic.connectTimeout"));

        // the request timeout alone does not make a 1.5 s baseline doubtful, nor does an unknown connect timeout
        assertThat(judge(deletionRun(1_500, 3, 0, CONNECT_TIMEOUT), 5_000).status()).isEqualTo(Verdict.Status.FAILED);
        Verdict fast = Verdict.judge(deletionRun(40, 3, 0, CONNECT_TIMEOUT), Expectations.zeroDrops(), 0L,
                EvictionStats.none(), List.of(), List.of(), List.of(), 5_000, 2_000);
        assertThat(fast.status()).isEqualTo(Verdict.Status.FAILED);
        assertThat(fast.reasons()).noneSatisfy(r -> assertThat(r).contains("already slow"));
    }

    @Test
    void otherFailuresBesideDoubtfulTimeoutsStillFailTheRun() {
        Verdict v = judge(deletionRun(3_000, 3, 2), 5_000);
        assertThat(v.status()).isEqualTo(Verdict.Status.FAILED);
        assertThat(v.reasons()).anySatisfy(r -> assertThat(r).contains("already slow",
                "3 of the 5 failures are timeouts", "the others fail the run"));
    }

    @Test
    void aSlowBaselineWithoutTimeoutsChangesNothing() {
        Verdict v = judge(deletionRun(3_000, 0, 2), 5_000);
        assertThat(v.status()).isEqualTo(Verdict.Status.FAILED);
        assertThat(v.reasons()).noneSatisfy(r -> assertThat(r).contains("already slow"));
    }

    /**
     * A generator that died during the load did not send its share after that: what the others measured still fails
     * a run, but a clean run is INCONCLUSIVE, naming it and why.
     */
    @Test
    void aGeneratorLostDuringTheLoadMakesACleanRunInconclusiveAndLeavesFailuresStanding() {
        List<String> lost = List.of("load-1 (node node-1): its container was terminated: OOMKilled, exit code 137");
        Verdict clean = Verdict.judge(run(100, 0), Expectations.zeroDrops(), 0L, EvictionStats.none(), List.of(),
                List.of(), lost, 5_000);
        assertThat(clean.status()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(clean.reasons()).singleElement().asString().contains("load generator died during the load",
                "load-1 (node node-1)", "OOMKilled, exit code 137");

        Verdict dropped = Verdict.judge(run(97, 3), Expectations.zeroDrops(), 0L, EvictionStats.none(), List.of(),
                List.of(), lost, 5_000);
        assertThat(dropped.status()).isEqualTo(Verdict.Status.FAILED);
        assertThat(dropped.reasons()).hasSize(2).anySatisfy(r -> assertThat(r).contains("OOMKilled"));
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
