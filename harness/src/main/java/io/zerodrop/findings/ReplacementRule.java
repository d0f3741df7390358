package io.zerodrop.findings;

import io.zerodrop.analysis.Phase;
import io.zerodrop.report.Finding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Failures right after a replacement joined the endpoints: it was put in rotation before it served. Without a
 * readiness probe it is Ready as soon as it runs (the patch adds one); with one, the probe passes too early.
 */
final class ReplacementRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        long n = e.analysis().failuresByPhase().getOrDefault(Phase.REPLACEMENT_STARTING, 0L);
        if (n == 0) {
            return List.of();
        }
        var w = e.workload();
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("failuresWhileReplacementStarting", n);
        ev.put("readinessProbe", w.readinessProbe().map(p -> p.describe()).orElse("none"));
        if (w.readinessProbe().isEmpty()) {
            String patch = w.containerPort() > 0 ? Patches.container(w, "replacement-not-ready", "no readiness probe:"
                    + " a replacement is Ready before it listens", "# at least this; an HTTP check of an endpoint that"
                    + " answers only when the app can serve is better\nreadinessProbe:\n  tcpSocket:\n    port: "
                    + w.containerPort() + "\n  periodSeconds: 2\n  failureThreshold: 2\n") : null;
            return List.of(new Finding(Finding.Severity.ERROR, "replacement-not-ready", n + " request(s) failed while"
                    + " a replacement pod was starting: readiness probe missing", "without a readiness probe a pod"
                    + " is Ready, and in rotation, as soon as its container runs — before the app listens",
                    "add a readinessProbe on the served port", ev, patch, null));
        }
        return List.of(new Finding(Finding.Severity.WARNING, "replacement-not-ready", n + " request(s) failed while a"
                + " replacement pod was starting: its readiness probe passes before the app serves",
                "readiness (" + w.readinessProbe().get().describe() + ") said Ready while requests still failed",
                "make the readiness endpoint answer only once the app can serve (warm-up, dependencies), or add a"
                        + " startupProbe", ev, null, null));
    }
}
