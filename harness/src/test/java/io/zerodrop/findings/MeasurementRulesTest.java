package io.zerodrop.findings;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.Analyzer;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.ledger.GroundTruth;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.EvictionStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The measurement's own findings, one rule each: every rule of {@link Diagnosis#measurementRules()} fires on a run
 * where its premise holds and stays silent on the same run without it (a clean run of 10 req/s for 10 s).
 */
class MeasurementRulesTest {
    static final long T = 1_800_000_000_000L;

    /** Ten seconds at {@code rate} req/s after a 1 s warm-up; each request as {@code r} makes it (null: OK). */
    private static AnalysisResult run(double askedRate, int sentPerSecond, List<TimelineEvent> events,
            LongFunction<String> failure) {
        Analyzer a = new Analyzer(T, T + 1_000, events, askedRate, 100);
        for (long t = T + 1_000; t < T + 11_000; t += 1_000 / sentPerSecond) {
            String m = failure.apply(t);
            a.accept(new RequestRecord("GET /", t, t + 2, m == null, m == null ? "" : m));
        }
        return a.result();
    }

    private static AnalysisResult clean() {
        return run(10, 10, List.of(), t -> null);
    }

    private static Set<String> codes(FindingRule rule, RunEvidence e) {
        return rule.diagnose(e).stream().map(Finding::code).collect(Collectors.toSet());
    }

    private static RunEvidence evidence(AnalysisResult a) {
        return RunEvidence.measured(List.of(), a, EvictionStats.none(), Optional.empty());
    }

    @Test
    void everyMeasurementRuleIsTestedHere() {
        assertThat(Diagnosis.measurementRules().stream().map(r -> r.getClass().getSimpleName()))
                .containsExactlyInAnyOrder("LoadGeneratorRule", "BaselineRule", "UnclassifiedRule",
                        "GroundTruthRule", "HeldEvictionsRule", "StaleRoutesRule");
    }

    @Test
    void loadGeneratorRule() {
        assertThat(codes(new LoadGeneratorRule(), evidence(run(100, 10, List.of(), t -> null))))
                .containsExactly("load-generator-saturated");
        Analyzer withErrors = new Analyzer(T, T + 1_000, List.of(), 10, 100);
        withErrors.error("Failed to build request: No attribute named 'id' is defined", T + 2_000);
        withErrors.accept(new RequestRecord("GET /", T + 2_000, T + 2_002, true, ""));
        assertThat(codes(new LoadGeneratorRule(), evidence(withErrors.result()))).contains("load-generator-errors");
        assertThat(codes(new LoadGeneratorRule(), evidence(clean()))).isEmpty();
    }

    @Test
    void baselineRule() {
        // no disruption on the timeline: a failure is the target's own
        AnalysisResult failing = run(10, 10, List.of(), t -> t == T + 5_000 ? "Connection refused" : null);
        assertThat(codes(new BaselineRule(), evidence(failing))).containsExactly("baseline-errors");
        assertThat(codes(new BaselineRule(), evidence(clean()))).isEmpty();
    }

    @Test
    void unclassifiedRule() {
        AnalysisResult odd = run(10, 10, List.of(), t -> t == T + 5_000 ? "something odd" : null);
        assertThat(codes(new UnclassifiedRule(), evidence(odd))).containsExactly("unclassified-failures");
        AnalysisResult refused = run(10, 10, List.of(), t -> t == T + 5_000 ? "Connection refused" : null);
        assertThat(codes(new UnclassifiedRule(), evidence(refused))).isEmpty();
    }

    @Test
    void groundTruthRule() {
        GroundTruth hidden = truth(2, true);
        assertThat(codes(new GroundTruthRule(), RunEvidence.measured(List.of(), clean(), EvictionStats.none(),
                Optional.of(hidden)))).containsExactly("hidden-drops");
        assertThat(codes(new GroundTruthRule(), RunEvidence.measured(List.of(), clean(), EvictionStats.none(),
                Optional.of(truth(0, false))))).containsExactly("ledger-incomplete");
        assertThat(codes(new GroundTruthRule(), RunEvidence.measured(List.of(), clean(), EvictionStats.none(),
                Optional.of(truth(0, true))))).isEmpty();
        assertThat(codes(new GroundTruthRule(), evidence(clean()))).as("no server account").isEmpty();
    }

    private static GroundTruth truth(long hiddenDrops, boolean allFinal) {
        return new GroundTruth(100, 100, 0, 0, 100 + hiddenDrops, 100, 0, hiddenDrops, 0, 0, allFinal, hiddenDrops, 0,
                List.of("a ledger"), null);
    }

    @Test
    void heldEvictionsRule() {
        List<TimelineEvent> held = evictions(true);
        assertThat(codes(new HeldEvictionsRule(), RunEvidence.measured(held, clean(), EvictionStats.from(held),
                Optional.empty()))).containsExactly("pdb-held-evictions");
        // an eviction that timed out is the budget deadlock's (BudgetRule), not a held one
        List<TimelineEvent> stuck = evictions(false);
        assertThat(codes(new HeldEvictionsRule(), RunEvidence.measured(stuck, clean(), EvictionStats.from(stuck),
                Optional.empty()))).isEmpty();
        assertThat(codes(new HeldEvictionsRule(), evidence(clean()))).isEmpty();
    }

    private static List<TimelineEvent> evictions(boolean thenEvicted) {
        List<TimelineEvent> events = new ArrayList<>();
        events.add(TimelineEvent.of(T + 3_000, EventType.DISRUPTION_ISSUED, "pod-a", "evict-1", "evict"));
        events.add(new TimelineEvent(T + 3_000, EventType.EVICTION_REFUSED, "pod-a", "evict-1", "429 budget",
                Map.of(Attribute.STATUS, "429")));
        events.add(new TimelineEvent(T + 8_000, EventType.DISRUPTION_ANSWERED, "pod-a", "evict-1", "", Map.of(
                Attribute.OUTCOME, thenEvicted ? "evicted" : "timed-out", Attribute.REFUSALS, "1")));
        return events;
    }

    @Test
    void staleRoutesRule() {
        List<TimelineEvent> stale = List.of(new TimelineEvent(T + 9_000, EventType.STALE_CONNECTS, "pod-a", "d", "",
                Map.of(Attribute.CONNECTS, "2")));
        assertThat(codes(new StaleRoutesRule(), RunEvidence.measured(stale, clean(), EvictionStats.none(),
                Optional.empty()))).containsExactly("stale-conntrack-routes");
        assertThat(codes(new StaleRoutesRule(), evidence(clean()))).isEmpty();
    }
}
