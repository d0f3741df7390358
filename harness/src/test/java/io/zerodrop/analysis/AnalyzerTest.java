package io.zerodrop.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * A synthetic run with a known termination: pod-a is deleted at T+10 s (marked), SIGTERM at +10.0 s, exits at
 * +10.05 s (naive), leaves the endpoints at +11.0 s; its replacement starts at +10.1 s and is ready at +13 s.
 */
class AnalyzerTest {
    static final long T = 1_800_000_000_000L;
    static final String REFUSED = "j.n.ConnectException: Connection refused";
    static final String RESET = "i.g.h.c.i.PrematureCloseException: Premature close";

    static List<TimelineEvent> naiveDeletion() {
        return List.of(
                TimelineEvent.of(T + 10_000, EventType.DISRUPTION_ISSUED, "pod-a", "delete-1", "delete pod-a"),
                TimelineEvent.of(T + 10_000, EventType.POD_MARKED_FOR_DELETION, "pod-a", "delete-1", ""),
                TimelineEvent.of(T + 10_010, EventType.SIGTERM_SENT, "pod-a", "delete-1", ""),
                new TimelineEvent(T + 10_050, EventType.CONTAINER_EXITED, "pod-a", "delete-1", "",
                        Map.of(Attribute.EXIT_CODE, "143")),
                new TimelineEvent(T + 10_100, EventType.REPLACEMENT_STARTED, "pod-d", "delete-1", "",
                        Map.of(Attribute.REPLACES, "pod-a")),
                TimelineEvent.of(T + 11_000, EventType.ENDPOINT_REMOVED, "pod-a", "delete-1", ""),
                new TimelineEvent(T + 13_000, EventType.REPLACEMENT_READY, "pod-d", "delete-1", "",
                        Map.of(Attribute.REPLACES, "pod-a")));
    }

    @Test
    void attributesEachFailureToThePodAndPhaseAndCountsEverything() {
        Analyzer a = new Analyzer(T, T + 2_000, naiveDeletion(), 100, 1000);
        // warm-up: one failure that must not count
        a.accept(new RequestRecord("GET /", T + 500, T + 900, false, REFUSED));
        // 100 OK requests across the run, 100 ms apart from +2 s
        for (int i = 0; i < 100; i++) {
            long s = T + 2_000 + i * 100L;
            a.accept(new RequestRecord("GET /", s, s + 3, true, ""));
        }
        // in flight at SIGTERM, cut at exit: RESET in SIGTERM_ENDPOINT_LIVE
        a.accept(new RequestRecord("GET /work", T + 9_000, T + 10_050, false, RESET));
        // refused between exit and endpoint removal: the endpoint race
        a.accept(new RequestRecord("GET /", T + 10_300, T + 10_301, false, REFUSED));
        a.accept(new RequestRecord("GET /", T + 10_700, T + 10_701, false, REFUSED));
        // a baseline failure before any disruption
        a.accept(new RequestRecord("GET /", T + 5_000, T + 5_001, false, "status.find.in(200), found 500"));
        // an unknown message, kept verbatim
        a.accept(new RequestRecord("GET /", T + 11_500, T + 11_501, false, "weird thing"));

        AnalysisResult r = a.result();
        assertThat(r.totalRequests()).isEqualTo(106);
        assertThat(r.warmupRequests()).isEqualTo(1);
        assertThat(r.measuredRequests()).isEqualTo(105);
        assertThat(r.measuredFailed()).isEqualTo(5);
        assertThat(r.measuredOk()).isEqualTo(100);
        assertThat(r.failuresByClass()).containsExactlyInAnyOrderEntriesOf(Map.of(
                FailureClass.RESET, 1L, FailureClass.REFUSED, 2L, FailureClass.HTTP_5XX, 1L, FailureClass.OTHER, 1L));
        assertThat(r.otherMessages()).containsExactly(Map.entry("weird thing", 1L));
        assertThat(r.failuresByStatus()).containsExactly(Map.entry(500, 1L));
        assertThat(r.failuresByPhase()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Phase.SIGTERM_ENDPOINT_LIVE, 3L, Phase.BASELINE, 1L, Phase.REPLACEMENT_STARTING, 1L));
        assertThat(r.failuresByPod()).containsExactlyInAnyOrderEntriesOf(Map.of("pod-a", 3L, "pod-d", 1L));

        Attribution refused = r.attributions().stream().filter(x -> x.startMs() == T + 10_300).findFirst().orElseThrow();
        assertThat(refused.phase()).isEqualTo(Phase.SIGTERM_ENDPOINT_LIVE);
        assertThat(refused.pods()).containsExactly("pod-a");
        assertThat(refused.failureClass()).isEqualTo(FailureClass.REFUSED);

        // failures at +10.050, +10.301, +10.701 form one burst of 651 ms; +5.001 and +11.501 stand alone
        assertThat(r.longestFailureBurstMs()).isEqualTo(651);
        assertThat(r.failureBursts()).isEqualTo(3);

        PodTermination t = r.terminations().get(0);
        assertThat(t.pod()).isEqualTo("pod-a");
        assertThat(t.exitCode()).isEqualTo(143);
        assertThat(t.replacement()).isEqualTo("pod-d");
        assertThat(t.outOfRotationMs() - t.sigtermMs()).isEqualTo(990);
        assertThat(r.disruptionWindows()).singleElement()
                .satisfies(w -> assertThat(w.startMs()).isEqualTo(T + 10_000))
                .satisfies(w -> assertThat(w.endMs()).isEqualTo(T + 18_000)); // replacement Ready at +13 s, + 5 s
        assertThat(r.buckets().get(5).warmup()).isEqualTo(1);
        assertThat(r.buckets().get(5).failed()).isEqualTo(1);
        assertThat(r.availabilityPercent()).isCloseTo(100.0 * 100 / 105, Offset.offset(1e-9));
    }

    @Test
    void aReplacementSlowToListenOwnsItsRefusalsUntilItListensNotAFixedTime() {
        // pod-d (no readiness probe) is Ready and in rotation at +10.1 s but listens only at +19 s (a loaded machine)
        List<TimelineEvent> events = new ArrayList<>(naiveDeletion().subList(0, 6));
        events.add(new TimelineEvent(T + 10_100, EventType.REPLACEMENT_READY, "pod-d", "delete-1", "",
                Map.of(Attribute.REPLACES, "pod-a")));
        events.add(TimelineEvent.of(T + 11_000, EventType.ENDPOINT_READY, "pod-d", "delete-1", ""));
        List<TimelineEvent> listening = new ArrayList<>(events);
        listening.add(TimelineEvent.of(T + 19_000, EventType.CONTAINER_LISTENING, "pod-d", "delete-1", "port 8080"));

        for (boolean seen : new boolean[] {false, true}) {
            Analyzer a = new Analyzer(T, T + 2_000, seen ? listening : events, 100, 1000);
            a.accept(new RequestRecord("GET /", T + 15_500, T + 15_500, false, REFUSED));
            a.accept(new RequestRecord("GET /", T + 18_900, T + 18_900, false, REFUSED));
            a.accept(new RequestRecord("GET /", T + 22_000, T + 22_000, false, REFUSED)); // long after it listened
            AnalysisResult r = a.result();
            assertThat(r.terminations().get(0).replacementListeningMs()).isEqualTo(seen ? T + 19_000 : -1);
            if (seen) {
                assertThat(r.failuresByPhase()).containsExactlyInAnyOrderEntriesOf(Map.of(
                        Phase.REPLACEMENT_STARTING, 2L, Phase.BASELINE, 1L));
                assertThat(r.failuresByPod()).containsExactly(Map.entry("pod-d", 2L));
                assertThat(r.disruptionWindows()).singleElement()
                        .satisfies(w -> assertThat(w.endMs()).isEqualTo(T + 20_000)); // listening + 1 s
            } else {
                // without the listening event only the fixed 5 s after rotation (+16 s) is the replacement's; the
                // refusal at +18.9 s is left to the other explanation, the dead pod's stale conntrack route
                assertThat(r.failuresByPhase()).containsExactlyInAnyOrderEntriesOf(Map.of(
                        Phase.REPLACEMENT_STARTING, 1L, Phase.AFTER_EXIT, 1L, Phase.BASELINE, 1L));
            }
        }
    }

    @Test
    void aConnectRefusedWithinTenSecondsOfTheExitIsPutOnTheDeadPodAsAStaleConntrackRoute() {
        // pod-a exited at +10.05 s and left rotation at +11 s; pod-d ready at +13 s (settled by +18 s)
        Analyzer a = new Analyzer(T, T + 2_000, naiveDeletion(), 100, 1000);
        a.accept(new RequestRecord("GET /", T + 19_000, T + 19_000, false, REFUSED)); // port reused: stale entry
        a.accept(new RequestRecord("GET /", T + 20_900, T + 20_900, false, REFUSED)); // 9.9 s after leaving rotation
        a.accept(new RequestRecord("GET /", T + 19_500, T + 19_500, false, RESET)); // not a connect: not a stale route
        a.accept(new RequestRecord("GET /", T + 21_100, T + 21_100, false, REFUSED)); // past 10 s
        AnalysisResult r = a.result();
        assertThat(r.failuresByPhase()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Phase.AFTER_EXIT, 2L, Phase.BASELINE, 2L));
        assertThat(r.failuresByPod()).containsExactly(Map.entry("pod-a", 2L));
    }

    @Test
    void achievedRateBelowNinetyPercentOfTheAskedRateMeansTheLoadGeneratorWasSaturated() {
        Analyzer a = new Analyzer(T, T, List.of(), 100, 10);
        for (int i = 0; i < 501; i++) { // 50 req/s for 10 s
            a.accept(new RequestRecord("GET /", T + i * 20L, T + i * 20L + 1, true, ""));
        }
        AnalysisResult r = a.result();
        assertThat(r.achievedRate()).isCloseTo(50.0, Offset.offset(0.01));
        assertThat(r.loadGeneratorSaturated()).isTrue();
    }

    @Test
    void aStalledSecondIsNoticedEvenWhenTheAverageRateIsFine() {
        Analyzer a = new Analyzer(T, T, List.of(), 100, 10);
        for (int i = 0; i < 1000; i++) { // 100 req/s for 10 s, except nothing from 5.0 s to 5.9 s
            long s = T + i * 10L;
            if (s < T + 5_000 || s >= T + 5_900) {
                a.accept(new RequestRecord("GET /", s, s + 1, true, ""));
            }
        }
        a.error("Failed to build request: no attribute named 'x'", T + 5_100);
        AnalysisResult r = a.result();
        assertThat(r.loadGeneratorSaturated()).isFalse();
        assertThat(r.lowestSecondRate()).isEqualTo(10);
        assertThat(r.loadGeneratorStalled()).isTrue();
        assertThat(r.loadGeneratorErrors()).containsExactly(Map.entry("Failed to build request: no attribute named 'x'", 1L));
    }

    @Test
    void percentilesAreExactToTheMillisecond() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++) {
            h.record(i);
        }
        assertThat(h.summary()).isEqualTo(new LatencyHistogram.Summary(1000, 500, 950, 990, 1000));
        h.record(500_000);
        assertThat(h.max()).isEqualTo(500_000);
        assertThat(h.percentile(100)).isEqualTo(500_000);
    }
}
