package io.zerodrop.findings;

import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.TimelineEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Containers that exited under load although nothing deleted their pod and no liveness probe failed before: the app
 * crashed, or the OOM killer ended it (exit 137, reason OOMKilled). No probe or grace setting explains that; the
 * finding names the pods, exit codes and reasons so that the container's own log is the next place to look.
 */
final class CrashRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        List<TimelineEvent> crashes = LivenessRule.exitsUnderLoad(e).stream()
                .filter(x -> !LivenessRule.livenessFailedBefore(e, x)).toList();
        if (crashes.isEmpty()) {
            return List.of();
        }
        Map<String, String> byPod = new LinkedHashMap<>();
        for (TimelineEvent x : crashes) {
            byPod.merge(x.pod(), "exit " + x.attribute(Attribute.EXIT_CODE, "?") + " ("
                    + x.attribute(Attribute.REASON, "unknown reason") + ")", (a, b) -> a + ", " + b);
        }
        boolean oom = crashes.stream().anyMatch(x -> "OOMKilled".equals(x.attribute(Attribute.REASON)));
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("exitsByPod", byPod);
        ev.put("exits", crashes.size());
        return List.of(new Finding(Finding.Severity.WARNING, "container-crashed", crashes.size() + " container(s)"
                + " exited under load although nothing deleted their pod and no liveness probe failed", "exits: "
                + byPod, oom ? "the OOM killer ended the container: raise its memory limit or lower the app's heap"
                : "read the container's log (kubectl logs --previous) for why the app exited", ev, null, null));
    }
}
