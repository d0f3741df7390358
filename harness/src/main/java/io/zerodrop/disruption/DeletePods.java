package io.zerodrop.disruption;

import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deletes pods through the API path: each one is marked for deletion, runs its preStop and gets SIGTERM, with
 * its own grace period or {@code graceSeconds}; {@code graceSeconds = 0} is the kill disruption (SIGKILL at once).
 */
public final class DeletePods implements Disruption {
    /** {@code action: delete}: the pods deleted with their own grace period, or {@code grace}. */
    public static final DisruptionKind DELETE = BasicKind.of("delete", List.of("grace"),
            o -> new DeletePods(o.selector(), o.graceSeconds()),
            (o, t) -> "DELETE " + t.pods() + "<" + o.selector().describe() + ">" + (o.graceSeconds() != null
                    ? " gracePeriodSeconds=" + o.graceSeconds() : ""),
            List.of(new ApiAccess("delete", "", "pods", null, false)));

    /** {@code action: kill}: the pods deleted with grace 0. */
    public static final DisruptionKind KILL = BasicKind.of("kill", List.of(), o -> kill(o.selector()),
            (o, t) -> "DELETE " + t.pods() + "<" + o.selector().describe() + "> gracePeriodSeconds=0",
            List.of(new ApiAccess("delete", "", "pods", null, false))).refusing("grace", "kill is grace 0");

    private final PodSelector selector;
    private final Long graceSeconds;
    private final AtomicInteger occurrence = new AtomicInteger();

    public DeletePods(PodSelector selector, Long graceSeconds) {
        this.selector = selector;
        this.graceSeconds = graceSeconds;
    }

    public static DeletePods kill(PodSelector selector) {
        return new DeletePods(selector, 0L);
    }

    @Override
    public String describe() {
        String what = graceSeconds != null && graceSeconds == 0 ? "kill" : "delete";
        return what + " " + selector.describe() + (graceSeconds == null || graceSeconds == 0 ? ""
                : " with grace " + graceSeconds + " s");
    }

    @Override
    public void apply(Runtime runtime, Timeline timeline, String stepId) {
        List<String> targets = selector.select(runtime.pods(), occurrence.getAndIncrement());
        for (String pod : targets) {
            timeline.add(TimelineEvent.of(timeline.nowMs(), EventType.DISRUPTION_ISSUED, pod, stepId,
                    describe()));
            runtime.deletePod(pod, graceSeconds, stepId);
            timeline.add(TimelineEvent.of(timeline.nowMs(), EventType.DISRUPTION_ANSWERED, pod, stepId,
                    "deleted"));
        }
    }
}
