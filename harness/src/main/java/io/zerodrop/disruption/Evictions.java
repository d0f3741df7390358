package io.zerodrop.disruption;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Eviction;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.util.Map;

/**
 * One pod's eviction as {@code kubectl drain} does it: POST the eviction, and on 429 (the budget would break)
 * retry every {@code retryMs} until {@code timeoutMs}. Every budget refusal is an EVICTION_REFUSED event; the answer
 * says whether it ended evicted or timed out ({@code outcome} attribute). API throttling (a 429 without a
 * DisruptionBudget cause) is retried too but never counted as a refusal; any other failure (403, 500) ends the step
 * with the API's status and message.
 */
final class Evictions {
    static final long KUBECTL_RETRY_MS = 5_000;

    private Evictions() {
    }

    /** The shortest wait between two eviction attempts (the scenario refuses less). */
    public static final long MIN_RETRY_MS = 100;

    static boolean evictWithRetry(Runtime runtime, Timeline timeline, String pod, String stepId, long retryMs,
            long timeoutMs, String what) {
        if (retryMs < MIN_RETRY_MS) {
            throw new IllegalArgumentException("eviction retry " + retryMs + " ms is under the floor of " + MIN_RETRY_MS
                    + " ms: each attempt is a call to the API server");
        }
        long deadline = timeline.nowMs() + timeoutMs;
        timeline.add(TimelineEvent.of(timeline.nowMs(), EventType.DISRUPTION_ISSUED, pod, stepId, what));
        int refusals = 0;
        while (true) {
            Eviction e = runtime.evict(pod, stepId);
            long now = timeline.nowMs();
            if (e.kind() == Eviction.Kind.FAILED) {
                // a 403 or a 500 is not a budget refusal: waiting cannot fix it, and the step says what the API said
                throw new ZerodropException(ExitCodes.ENVIRONMENT, "eviction of pod "
                        + pod + " failed: " + e.status() + " " + e.message());
            }
            if (e.kind() == Eviction.Kind.THROTTLED) {
                timeline.add(new TimelineEvent(now, EventType.NOTE, pod, stepId, "eviction throttled by the API server"
                        + " (429 without a DisruptionBudget cause, not a budget refusal): " + e.message(),
                        Map.of(Attribute.STATUS, "429")));
                if (now + retryMs > deadline || !timeline.clock().sleepFor(retryMs)) {
                    throw new ZerodropException(ExitCodes.ENVIRONMENT, "eviction of"
                            + " pod " + pod + " was throttled by the API server until its timeout: " + e.message());
                }
                continue;
            }
            if (e.ok() || e.kind() == Eviction.Kind.NOT_FOUND) {
                timeline.add(new TimelineEvent(now, EventType.DISRUPTION_ANSWERED, pod, stepId, e.status() + " "
                        + e.message() + (refusals > 0 ? " after " + refusals + " refusal(s)" : ""),
                        Map.of(Attribute.OUTCOME, "evicted", Attribute.REFUSALS, String.valueOf(refusals))));
                return true;
            }
            refusals++;
            timeline.add(new TimelineEvent(now, EventType.EVICTION_REFUSED, pod, stepId, e.status() + " " + e.message(),
                    Map.of(Attribute.STATUS, String.valueOf(e.status()))));
            if (now + retryMs > deadline) {
                timeline.add(new TimelineEvent(timeline.nowMs(), EventType.DISRUPTION_ANSWERED, pod, stepId,
                        "eviction timed out after " + refusals + " refusal(s) in " + timeoutMs / 1000 + " s",
                        Map.of(Attribute.OUTCOME, "timed-out", Attribute.REFUSALS, String.valueOf(refusals))));
                return false;
            }
            if (!timeline.clock().sleepFor(retryMs)) {
                return false;
            }
        }
    }
}
