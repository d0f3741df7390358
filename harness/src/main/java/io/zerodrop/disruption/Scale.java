package io.zerodrop.disruption;

import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.util.List;
import java.util.Optional;

/** Scales the workload by {@code by} replicas (down when negative) and back after {@code holdMs}. */
public final class Scale implements Disruption {
    /** {@code action: scale}: the workload scaled by {@code by} and back after {@code hold}. */
    public static final DisruptionKind KIND = BasicKind.of("scale", List.of("by", "hold"),
            o -> new Scale(o.by(), o.hold().toMillis()),
            (o, t) -> "PATCH " + t.deployment() + " (merge: spec.replicas " + t.replicas() + " → "
                    + Math.max(0, t.replicas() + o.by()) + ", and back)",
            List.of(new ApiAccess("patch", "apps", "deployments", null, false)))
            .checking(o -> o.by() == 0 ? Optional.of(new String[] {"by", "'by' is 0: scaling by 0 changes nothing;"
                    + " expected e.g. -1 or 2"}) : Optional.empty()).puttingBack();

    private final int by;
    private final long holdMs;

    public Scale(int by, long holdMs) {
        if (by == 0) {
            throw new IllegalArgumentException("scale by 0 changes nothing: expected a positive or negative number");
        }
        this.by = by;
        this.holdMs = holdMs;
    }

    @Override
    public String describe() {
        return "scale by " + (by > 0 ? "+" : "") + by + " and back after " + holdMs / 1000.0 + " s";
    }

    @Override
    public void apply(Runtime runtime, Timeline timeline, String stepId) {
        int before = runtime.pods().size();
        int to = Math.max(0, before + by);
        timeline.add(TimelineEvent.of(timeline.nowMs(), EventType.DISRUPTION_ISSUED, "", stepId, describe()));
        runtime.scale(to, stepId);
        timeline.add(TimelineEvent.of(timeline.nowMs(), EventType.DISRUPTION_ANSWERED, "", stepId,
                "scaled to " + to));
        try {
            timeline.clock().sleepFor(holdMs);
        } finally {
            // also when interrupted mid-hold (the load ended, or zerodrop is stopping): the replicas go back. The
            // interrupt is held back for the call (an HTTP client gives up on an interrupted thread) and kept after.
            boolean interrupted = Thread.interrupted();
            try {
                runtime.scale(before, stepId);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
