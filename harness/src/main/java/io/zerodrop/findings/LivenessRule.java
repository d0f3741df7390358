package io.zerodrop.findings;

import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Containers that exited under load although nothing deleted their pod, after their liveness probe failed: the
 * liveness probe restarted them while they were busy. The patch gives liveness more patience than readiness. An exit
 * with no liveness failure before it (a crash, the OOM killer) is not liveness's doing: {@link CrashRule} names it.
 */
final class LivenessRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        List<TimelineEvent> restarts = exitsUnderLoad(e).stream().filter(x -> livenessFailedBefore(e, x)).toList();
        if (restarts.isEmpty() || e.workload().livenessProbe().isEmpty()) {
            return List.of();
        }
        var l = e.workload().livenessProbe().get();
        int threshold = Math.max(3, l.failureThreshold() * 2);
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("restartedPods", restarts.stream().map(TimelineEvent::pod).distinct().toList());
        ev.put("restarts", restarts.size());
        ev.put("livenessProbe", l.describe() + " every " + l.periodSeconds() + " s, failureThreshold "
                + l.failureThreshold());
        String patch = Patches.container(e.workload(), "liveness-restart", "liveness restarted busy containers",
                "livenessProbe:\n  failureThreshold: " + threshold + "\n  timeoutSeconds: " + Math.max(2,
                        l.timeoutSeconds() * 2) + "\n");
        return List.of(new Finding(Finding.Severity.ERROR, "liveness-restart", restarts.size() + " container(s)"
                + " restarted under load without being deleted: liveness probe too aggressive", "liveness "
                + l.describe() + " gave up after " + l.periodSeconds() * l.failureThreshold() + " s of failures while"
                + " the app was busy", "a liveness probe that tolerates load: failureThreshold " + threshold
                + ", a longer timeout, and a cheap endpoint that does not depend on the request path", ev, patch, null));
    }

    /** Container exits during the measured load of pods nothing deleted or signalled. */
    static List<TimelineEvent> exitsUnderLoad(RunEvidence e) {
        Set<String> deleted = e.events().stream().filter(x -> x.type() == EventType.POD_MARKED_FOR_DELETION
                || x.type() == EventType.SIGTERM_SENT || x.type() == EventType.SIGKILL_SENT).map(TimelineEvent::pod)
                .collect(Collectors.toSet());
        long start = e.analysis().warmupEndMs();
        long end = e.analysis().lastRequestMs();
        return e.events().stream().filter(x -> x.type() == EventType.CONTAINER_EXITED && !x.pod().isEmpty()
                && !deleted.contains(x.pod()) && x.atMs() >= start && x.atMs() <= end).toList();
    }

    /**
     * Whether the pod's liveness probe was seen failing before this exit: the local kubelet's note, or the cluster's
     * kubelet events (Unhealthy "Liveness probe failed", Killing "failed liveness probe, will be restarted").
     */
    static boolean livenessFailedBefore(RunEvidence e, TimelineEvent exit) {
        return e.events().stream().anyMatch(x -> x.type() == EventType.NOTE && x.pod().equals(exit.pod())
                && x.atMs() <= exit.atMs() && x.detail().toLowerCase(Locale.ROOT).contains("liveness"));
    }
}
