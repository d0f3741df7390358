package io.zerodrop.verdict;

import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.util.List;

/**
 * Evictions of a run, from the timeline: pods whose eviction was attempted, evicted, timed out; 429 refusals; and
 * the last refusal's message (it carries the budget's numbers).
 */
public record EvictionStats(int attempted, int evicted, int timedOut, int refusals, String lastRefusal) {

    public static EvictionStats none() {
        return new EvictionStats(0, 0, 0, 0, "");
    }

    public static EvictionStats from(List<TimelineEvent> timeline) {
        int attempted = 0;
        int evicted = 0;
        int timedOut = 0;
        long refusals = 0;
        String last = "";
        for (TimelineEvent e : timeline) {
            if (e.type() == EventType.EVICTION_REFUSED) {
                refusals += Timeline.count(e);
                last = e.detail();
            } else if (e.type() == EventType.DISRUPTION_ANSWERED && e.has(Attribute.OUTCOME)) {
                attempted++;
                if (e.attribute(Attribute.OUTCOME).equals("evicted")) {
                    evicted++;
                } else {
                    timedOut++;
                }
            }
        }
        return new EvictionStats(attempted, evicted, timedOut, (int) Math.min(Integer.MAX_VALUE, refusals), last);
    }
}
