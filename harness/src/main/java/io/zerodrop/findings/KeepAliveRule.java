package io.zerodrop.findings;

import io.zerodrop.analysis.Attribution;
import io.zerodrop.analysis.FailureClass;
import io.zerodrop.analysis.Phase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resets after SIGTERM while new connections were not refused: the server closed kept-alive connections under the
 * client without telling it ({@code Connection: close} on its last answers). No manifest setting fixes it. Said only
 * when the load rode kept-alive connections: with a connection per request (fresh-connections, slow-requests) a reset
 * is a connection the Service front or the app cut, not a kept-alive one.
 */
final class KeepAliveRule implements FindingRule {
    private static final Set<Phase> SHUTTING_DOWN = Set.of(Phase.SIGTERM_ENDPOINT_LIVE, Phase.DRAINING);

    @Override
    public List<Finding> diagnose(RunEvidence e) {
        if (e.connections() != RunEvidence.Connections.POOLED) {
            return List.of(); // the premise, a request on a kept-alive connection, is not shown
        }
        List<Attribution> during = e.analysis().attributions().stream().filter(a -> SHUTTING_DOWN.contains(a.phase()))
                .toList();
        long resets = during.stream().filter(a -> a.failureClass() == FailureClass.RESET).count();
        long refused = during.stream().filter(a -> a.failureClass() == FailureClass.REFUSED).count();
        if (resets == 0 || refused > 0) {
            return List.of();
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("resetsAfterSigterm", resets);
        ev.put("refusedAfterSigterm", 0);
        ev.put("connections", "a shared keep-alive pool (the simulation's)");
        ev.put("pods", during.stream().flatMap(a -> a.pods().stream()).distinct().toList());
        return List.of(new Finding(Finding.Severity.WARNING, "keepalive-reset", resets + " request(s) reset on"
                + " kept-alive connections after SIGTERM, while no new connection was refused",
                "the server closes idle keep-alive connections at shutdown without Connection: close, so a client"
                        + " sends its next request on a connection that is already closing",
                "on SIGTERM, answer with Connection: close and close idle connections only after the preStop delay;"
                        + " or have clients retry idempotent requests once on a new connection", ev, null, null));
    }
}
