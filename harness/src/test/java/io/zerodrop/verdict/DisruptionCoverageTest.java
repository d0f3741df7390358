package io.zerodrop.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A disruption that did not happen where the measurement could see it must never let a run pass. */
class DisruptionCoverageTest {
    static final long W = 1_800_000_000_000L; // warm-up end
    static final long END = W + 16_000; // last request

    static TimelineEvent ev(long at, EventType type, String pod, String step) {
        return TimelineEvent.of(at, type, pod, step, "");
    }

    @Test
    void aDeletionWhosePodExitedInsideTheWindowIsMeasured() {
        List<DisruptionRun> runs = List.of(new DisruptionRun("delete-1", "delete 1 pod", W + 3000, W + 3000, W + 3012,
                null));
        List<TimelineEvent> events = List.of(ev(W + 3005, EventType.POD_MARKED_FOR_DELETION, "p1", "delete-1"),
                ev(W + 3150, EventType.CONTAINER_EXITED, "p1", "delete-1"));
        assertThat(DisruptionCoverage.problems(runs, events, W, END)).isEmpty();
    }

    /** On a cluster a pod's exit may not be visible (grace 0 removes the object at once): its removal ends it. */
    @Test
    void aClusterPodWhoseObjectWasRemovedInsideTheWindowIsMeasured() {
        List<DisruptionRun> runs = List.of(new DisruptionRun("kill", "kill 2 pods", W + 3000, W + 3000, W + 3012,
                null));
        Map<Attribute, String> removed = Map.of(Attribute.POD_DELETED, "true");
        List<TimelineEvent> events = List.of(ev(W + 3005, EventType.POD_MARKED_FOR_DELETION, "p1", "kill"),
                new TimelineEvent(W + 3006, EventType.NOTE, "p1", "kill", "pod object removed", removed),
                ev(W + 3005, EventType.POD_MARKED_FOR_DELETION, "p2", "kill"),
                new TimelineEvent(END + 500, EventType.NOTE, "p2", "kill", "pod object removed", removed),
                ev(W + 3100, EventType.NOTE, "p2", "kill")); // any other note does not end it
        assertThat(DisruptionCoverage.problems(runs, events, W, END)).containsExactly("pod p2, deleted by step kill"
                + " at +3.0 s after the warm-up, exited at +16.5 s after the warm-up, after the last measured request"
                + " (at +16.0 s after the warm-up): its shutdown was not measured");
    }

    @Test
    void neverIssuedFailedStillRunningAndLateAreEachNamed() {
        List<DisruptionRun> runs = List.of(
                new DisruptionRun("late#2", "delete 1 pod", W + 20_000, -1, -1, null),
                new DisruptionRun("byname", "delete pod nope", W + 1000, W + 1000, -1,
                        "no live pod named \"nope\" (live: [p1, p2])"),
                new DisruptionRun("scale", "scale by -3 and back after 10.0 s", W + 9000, W + 9000, -1, null),
                new DisruptionRun("answered-late", "evict 1 pod", W + 15_000, W + 15_000, END + 400, null));
        assertThat(DisruptionCoverage.problems(runs, List.of(), W, END)).containsExactly(
                "step late#2 (delete 1 pod) was never issued (due at +20.0 s after the warm-up): the load had ended"
                        + " before its time",
                "step byname (delete pod nope) failed: no live pod named \"nope\" (live: [p1, p2])",
                "step scale (scale by -3 and back after 10.0 s) was still running when the load ended, so its effect"
                        + " was not measured",
                "step answered-late was answered at +16.4 s after the warm-up, after the last measured request (at"
                        + " +16.0 s after the warm-up)");
    }

    @Test
    void aPodThatExitedAfterTheLastRequestOrNeverIsNotMeasured() {
        List<DisruptionRun> runs = List.of(new DisruptionRun("d", "delete 2 pods", W + 15_000, W + 15_000,
                W + 15_010, null));
        List<TimelineEvent> events = List.of(ev(W + 15_001, EventType.POD_MARKED_FOR_DELETION, "a", "d"),
                ev(W + 15_002, EventType.POD_MARKED_FOR_DELETION, "b", "d"),
                ev(W + 21_000, EventType.CONTAINER_EXITED, "a", "d"),
                ev(W + 1_000, EventType.CONTAINER_EXITED, "b", "")); // an earlier container of b does not count
        assertThat(DisruptionCoverage.problems(runs, events, W, END)).containsExactly(
                "pod a, deleted by step d at +15.0 s after the warm-up, exited at +21.0 s after the warm-up, after the"
                        + " last measured request (at +16.0 s after the warm-up): its shutdown was not measured",
                "pod b, deleted by step d at +15.0 s after the warm-up, never exited while zerodrop watched: its"
                        + " shutdown was not measured");
    }

    @Test
    void aRolloutMustCompleteInsideTheWindow() {
        List<DisruptionRun> runs = List.of(new DisruptionRun("r", "rollout restart", W + 1000, W + 1000, W + 1001,
                null));
        TimelineEvent started = TimelineEvent.of(W + 1000, EventType.ROLLOUT_PROGRESS, "", "r",
                "rollout restart: maxSurge 1, maxUnavailable 0");
        assertThat(DisruptionCoverage.problems(runs, List.of(started,
                ev(W + 9000, EventType.ROLLOUT_COMPLETE, "", "r")), W, END)).isEmpty();
        assertThat(DisruptionCoverage.problems(runs, List.of(started,
                ev(END + 1, EventType.ROLLOUT_COMPLETE, "", "r")), W, END)).containsExactly(
                "the rollout started by step r did not complete before the last measured request (at +16.0 s after the"
                        + " warm-up)");
    }

    @Test
    void aRunWhoseDisruptionWasNotMeasuredIsInconclusiveUnlessItFailedAnyway() {
        List<String> notMeasured = List.of("step x failed: boom");
        Verdict clean = Verdict.judge(VerdictTest.run(100, 0), Expectations.zeroDrops(), 0L, EvictionStats.none(),
                notMeasured);
        assertThat(clean.status()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(clean.exitCode()).isEqualTo(3);
        assertThat(clean.reasons()).containsExactly("disruption not measured: step x failed: boom");

        Verdict dropped = Verdict.judge(VerdictTest.run(97, 3), Expectations.zeroDrops(), 0L, EvictionStats.none(),
                notMeasured);
        assertThat(dropped.status()).isEqualTo(Verdict.Status.FAILED);
        assertThat(dropped.reasons()).hasSize(2).last().isEqualTo("disruption not measured: step x failed: boom");
    }
}
