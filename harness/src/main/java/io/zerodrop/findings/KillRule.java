package io.zerodrop.findings;

import io.zerodrop.analysis.Attribution;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pods zerodrop killed (grace period 0: no preStop, SIGTERM at once, SIGKILL 2 s later if still running): what
 * failed on them is the kill's doing — requests in flight cut, kept-alive
 * connections reset, new connections refused until the endpoint goes — and no preStop, grace or drain setting of the
 * workload avoids it. Said once, so that no one tunes the workload against a failure the scenario asked for.
 */
final class KillRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        Set<String> killed = OwnKills.of(e.events());
        if (killed.isEmpty()) {
            return List.of();
        }
        List<Attribution> onKilled = e.analysis().attributions().stream()
                .filter(a -> a.pods().stream().anyMatch(killed::contains)).toList();
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("killedPods", killed);
        ev.put("failuresOnKilledPods", onKilled.size());
        return List.of(new Finding(Finding.Severity.INFO, "killed-by-zerodrop", killed.size() + " pod(s) killed by"
                + " zerodrop with grace period 0; " + onKilled.size() + " failure(s) attributed to them",
                "a grace-0 deletion runs no preStop and gives the container 2 s (the kubelet's minimum) between"
                        + " SIGTERM and SIGKILL, while its endpoint is still in rotation: new connections fail until"
                        + " the Service stops routing to it, and what is in flight past those 2 s is cut."
                        + " That is what the scenario asked for, not a shutdown defect of the app",
                "no workload setting avoids a kill's failures: clients that retry idempotent requests and enough"
                        + " replicas absorb them; use action delete to test the graceful path", ev, null, null));
    }
}
