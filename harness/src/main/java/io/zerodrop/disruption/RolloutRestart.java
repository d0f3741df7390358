package io.zerodrop.disruption;

import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.util.List;

/** {@code kubectl rollout restart}: the workload replaces every pod as its rolling-update strategy allows. */
public final class RolloutRestart implements Disruption {
    /** {@code action: rollout-restart}: the workload's template annotated, as {@code kubectl rollout restart}. */
    public static final DisruptionKind KIND = BasicKind.of("rollout-restart", List.of(), o -> new RolloutRestart(),
            (o, t) -> "PATCH " + t.deployment() + " (merge: template annotation kubectl.kubernetes.io/restartedAt)",
            List.of(new ApiAccess("patch", "apps", "deployments", null, false)));

    @Override
    public String describe() {
        return "rollout restart";
    }

    @Override
    public void apply(Runtime runtime, Timeline timeline, String stepId) {
        timeline.add(TimelineEvent.of(timeline.nowMs(), EventType.DISRUPTION_ISSUED, "", stepId, describe()));
        runtime.rolloutRestart(stepId);
        timeline.add(TimelineEvent.of(timeline.nowMs(), EventType.DISRUPTION_ANSWERED, "", stepId,
                "restartedAt annotation patched"));
    }
}
