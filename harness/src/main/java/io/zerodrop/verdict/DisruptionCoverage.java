package io.zerodrop.verdict;

import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Did every scheduled disruption happen where the measurement could see it? Each occurrence must have been issued
 * and answered inside the measured window (warm-up end to the last request), and its effect must fall inside it
 * too: every pod it deleted has exited (or, on a cluster, its object is gone), every rollout it started has completed. Anything else is a reason the
 * verdict cannot credit the run: a disruption that never happened must not pass.
 */
public final class DisruptionCoverage {
    private DisruptionCoverage() {
    }

    /** The problems, one sentence each; empty when every occurrence was measured. */
    public static List<String> problems(List<DisruptionRun> runs, List<TimelineEvent> events, long measuredStartMs,
            long measuredEndMs) {
        List<String> out = new ArrayList<>();
        for (DisruptionRun r : runs) {
            String at = r.scheduledMs() > 0 ? " (due " + rel(r.scheduledMs(), measuredStartMs) + ")" : "";
            switch (r.status()) {
                case NOT_ISSUED -> out.add("step " + r.id() + " (" + r.description() + ") was never issued" + at + ": "
                        + (r.error() != null ? r.error() : "the load had ended before its time"));
                case FAILED -> out.add("step " + r.id() + " (" + r.description() + ") failed: " + r.error());
                case INTERRUPTED -> out.add("step " + r.id() + " (" + r.description() + ") was still running when the"
                        + " load ended, so its effect was not measured");
                case DONE -> {
                    if (r.issuedMs() < measuredStartMs) {
                        out.add("step " + r.id() + " was issued " + rel(r.issuedMs(), measuredStartMs)
                                + ", before the measured window began");
                    }
                    if (r.answeredMs() > measuredEndMs) {
                        out.add("step " + r.id() + " was answered " + rel(r.answeredMs(), measuredStartMs)
                                + ", after the last measured request (" + rel(measuredEndMs, measuredStartMs) + ")");
                    }
                    out.addAll(effects(r, events, measuredStartMs, measuredEndMs));
                }
                default -> throw new IllegalStateException(r.status().name());
            }
        }
        return out;
    }

    private static List<String> effects(DisruptionRun r, List<TimelineEvent> events, long start, long end) {
        List<String> out = new ArrayList<>();
        boolean rollout = false;
        boolean completed = false;
        for (TimelineEvent e : events) {
            if (!e.disruption().equals(r.id())) {
                continue;
            }
            if (e.type() == EventType.POD_MARKED_FOR_DELETION) {
                // ended: its container exited, or (a cluster) its object was removed — which the kubelet does only
                // once the containers have stopped, or the API at once for a grace-0 deletion
                long exit = events.stream().filter(x -> (x.type() == EventType.CONTAINER_EXITED
                        || "true".equals(x.attribute(Attribute.POD_DELETED)))
                        && x.pod().equals(e.pod()) && x.atMs() >= e.atMs()).mapToLong(TimelineEvent::atMs).min()
                        .orElse(-1);
                if (exit < 0 || exit > end) {
                    out.add("pod " + e.pod() + ", deleted by step " + r.id() + " " + rel(e.atMs(), start) + ", "
                            + (exit < 0 ? "never exited while zerodrop watched" : "exited " + rel(exit, start)
                                    + ", after the last measured request (" + rel(end, start) + ")")
                            + ": its shutdown was not measured");
                }
            }
            rollout |= e.type() == EventType.ROLLOUT_PROGRESS && e.detail().startsWith("rollout restart");
            completed |= e.type() == EventType.ROLLOUT_COMPLETE && e.atMs() <= end;
        }
        if (rollout && !completed) {
            out.add("the rollout started by step " + r.id() + " did not complete before the last measured request ("
                    + rel(end, start) + ")");
        }
        return out;
    }

    private static String rel(long atMs, long startMs) {
        return String.format(Locale.ROOT, "at %+.1f s after the warm-up", (atMs - startMs) / 1000.0);
    }
}
