package io.zerodrop.disruption;

import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;

/** {@code kubectl rollout restart}: the workload replaces every pod as its rolling-update strategy allows. */
public final class RolloutRestart implements Disruption {
    @Override
    public String describe() {
        return "rollout restart";
    }

    @Override
    public void apply(Runtime runtime, Timeline timeline, String stepId) {
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.DISRUPTION_ISSUED, "", stepId, describe()));
        runtime.rolloutRestart(stepId);
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.DISRUPTION_ANSWERED, "", stepId,
                "restartedAt annotation patched"));
    }
}
