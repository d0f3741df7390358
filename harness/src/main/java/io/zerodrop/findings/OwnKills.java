package io.zerodrop.findings;

import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The pods zerodrop itself deleted with grace period 0 ({@code action: kill}, or {@code grace: 0s}): their SIGKILL
 * and exit 137 are the disruption's doing, not the app's, and no rule may read them as the app ignoring SIGTERM or
 * outliving its grace period. Both runtimes record the deletion's grace period on the deletion event.
 */
final class OwnKills {
    private OwnKills() {
    }

    static Set<String> of(List<TimelineEvent> events) {
        Set<String> pods = new LinkedHashSet<>();
        for (TimelineEvent e : events) {
            if (e.type() == EventType.POD_MARKED_FOR_DELETION && "0".equals(e.attribute(Attribute.GRACE_SECONDS))) {
                pods.add(e.pod());
            }
        }
        return pods;
    }
}
