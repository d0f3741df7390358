package io.zerodrop.findings;

import io.zerodrop.analysis.Phase;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** New connections the runtime saw reach pods after they had left the Service's rules (STALE_CONNECTS). */
final class StaleRoutesRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        Map<String, Long> byPod = new TreeMap<>();
        for (TimelineEvent t : e.events()) {
            if (t.type() == EventType.STALE_CONNECTS) {
                byPod.merge(t.pod(), Long.parseLong(t.attribute(Attribute.CONNECTS, "0")), Long::sum);
            }
        }
        long total = byPod.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return List.of();
        }
        long afterExit = e.analysis().failuresByPhase().getOrDefault(Phase.AFTER_EXIT, 0L);
        return List.of(new Finding(Finding.Severity.WARNING, "stale-conntrack-routes",
                total + " new connection(s) reached pods after they had left the Service's rules: " + byPod,
                "kube-proxy keeps TCP conntrack entries when an endpoint goes (clearing them would cut draining"
                        + " connections); a connection the dying pod reset leaves one for 10 s, and a new connection"
                        + " that reuses its source port is sent to the dead pod and refused (kubernetes/kubernetes#101607)."
                        + " Refused connects put on exited pods (AFTER_EXIT): " + afterExit,
                "let the pod finish and close its connections instead of resetting them: a preStop delay longer than"
                        + " endpoint propagation, then drain on SIGTERM (answer with Connection: close, finish in-flight"
                        + " requests, close idle keep-alive connections); clients that open a connection per request"
                        + " should retry a refused connect once on a new connection"));
    }
}
