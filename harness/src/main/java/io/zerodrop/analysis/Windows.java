package io.zerodrop.analysis;

import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run cut into warm-up, baseline (before the first disruption), disruption windows and recovery (after the
 * last one). A disruption window runs from its DISRUPTION_ISSUED event to the last event that names the same
 * disruption, plus {@link PodTermination#SETTLE_MS} (plus {@link PodTermination#REPLACEMENT_SETTLE_MS} after a
 * replacement became Ready or entered rotation; a replacement seen listening later extends it to then).
 */
public final class Windows {
    /** Which part of the run a request was sent in. */
    public enum Kind { WARMUP, BASELINE, DISRUPTION, RECOVERY }

    /** One disruption window. */
    public record Window(String disruption, long startMs, long endMs) {
    }

    private final long warmupEndMs;
    private final List<Window> disruptions;

    public Windows(long warmupEndMs, List<Window> disruptions) {
        this.warmupEndMs = warmupEndMs;
        this.disruptions = List.copyOf(disruptions);
    }

    public static Windows from(long warmupEndMs, List<TimelineEvent> events) {
        Map<String, long[]> spans = new LinkedHashMap<>();
        for (TimelineEvent e : events) {
            if (e.disruption().isEmpty() || !e.type().isMoment()) {
                continue;
            }
            long[] s = spans.computeIfAbsent(e.disruption(), d -> new long[] {-1, -1});
            if (e.type() == EventType.DISRUPTION_ISSUED && (s[0] < 0 || e.atMs() < s[0])) {
                s[0] = e.atMs();
            }
            boolean replacement = e.type() == EventType.REPLACEMENT_READY || e.type() == EventType.ENDPOINT_READY;
            s[1] = Math.max(s[1], e.atMs() + (replacement ? PodTermination.REPLACEMENT_SETTLE_MS
                    - PodTermination.SETTLE_MS : 0));
        }
        List<Window> windows = new ArrayList<>();
        spans.forEach((d, s) -> {
            if (s[0] >= 0) {
                windows.add(new Window(d, s[0], s[1] + PodTermination.SETTLE_MS));
            }
        });
        return new Windows(warmupEndMs, windows);
    }

    public long warmupEndMs() {
        return warmupEndMs;
    }

    public List<Window> disruptions() {
        return disruptions;
    }

    public Kind kindAt(long t) {
        if (t < warmupEndMs) {
            return Kind.WARMUP;
        }
        long firstStart = Long.MAX_VALUE;
        for (Window w : disruptions) {
            if (t >= w.startMs() && t <= w.endMs()) {
                return Kind.DISRUPTION;
            }
            firstStart = Math.min(firstStart, w.startMs());
        }
        return t < firstStart ? Kind.BASELINE : Kind.RECOVERY;
    }
}
