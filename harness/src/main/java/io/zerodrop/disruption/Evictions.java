package io.zerodrop.disruption;

import io.zerodrop.runtime.Eviction;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.util.Map;

/**
 * One pod's eviction as {@code kubectl drain} does it: POST the eviction, and on 429 (the budget would break)
 * retry every {@code retryMs} until {@code timeoutMs}. Every refusal is an EVICTION_REFUSED event; the answer says
 * whether it ended evicted or timed out ({@code outcome} attribute).
 */
final class Evictions {
    static final long KUBECTL_RETRY_MS = 5_000;

    private Evictions() {
    }

    static boolean evictWithRetry(Runtime runtime, Timeline timeline, String pod, String stepId, long retryMs,
            long timeoutMs, String what) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.DISRUPTION_ISSUED, pod, stepId, what));
        int refusals = 0;
        while (true) {
            Eviction e = runtime.evict(pod, stepId);
            long now = System.currentTimeMillis();
            if (e.ok() || e.status() == 404) {
                timeline.add(new TimelineEvent(now, EventType.DISRUPTION_ANSWERED, pod, stepId, e.status() + " "
                        + e.message() + (refusals > 0 ? " after " + refusals + " refusal(s)" : ""),
                        Map.of("outcome", "evicted", "refusals", String.valueOf(refusals))));
                return true;
            }
            refusals++;
            timeline.add(new TimelineEvent(now, EventType.EVICTION_REFUSED, pod, stepId, e.status() + " " + e.message(),
                    Map.of("status", String.valueOf(e.status()))));
            if (now + retryMs > deadline) {
                timeline.add(new TimelineEvent(System.currentTimeMillis(), EventType.DISRUPTION_ANSWERED, pod, stepId,
                        "eviction timed out after " + refusals + " refusal(s) in " + timeoutMs / 1000 + " s",
                        Map.of("outcome", "timed-out", "refusals", String.valueOf(refusals))));
                return false;
            }
            if (!io.zerodrop.core.Sleep.forMs(retryMs)) {
                return false;
            }
        }
    }
}
