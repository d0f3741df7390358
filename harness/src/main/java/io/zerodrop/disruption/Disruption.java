package io.zerodrop.disruption;

import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.Timeline;

/**
 * One kind of disruption (delete, kill, evict, rollout restart, scale, drain). It acts only through
 * {@link Runtime}, so the same disruption runs on local processes and on a real cluster, and it records
 * DISRUPTION_ISSUED and DISRUPTION_ANSWERED on the timeline under {@code stepId}.
 */
public interface Disruption {
    /** E.g. "delete 1 random pod". */
    String describe();

    void apply(Runtime runtime, Timeline timeline, String stepId);
}
