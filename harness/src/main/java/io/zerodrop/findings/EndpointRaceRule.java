package io.zerodrop.findings;

import io.zerodrop.analysis.Phase;
import io.zerodrop.analysis.PodTermination;
import io.zerodrop.scenario.Setting;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.RoutingSource;
import io.zerodrop.workload.PreStop;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Failures between SIGTERM and the endpoint leaving rotation: the pod stopped serving while the Service still sent
 * it new connections. Measured per deleted pod: the lag from the deletion to routing stopped (the data path's moment
 * where the run knows it, else the endpoint leaving rotation as the API said). The fix is a preStop at least that
 * long, with a margin, so that SIGTERM comes after every node has stopped routing.
 */
final class EndpointRaceRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        // a pod zerodrop killed (grace 0) runs no preStop: no preStop fixes what failed on it
        Set<String> ownKills = OwnKills.of(e.events());
        long inRace = e.analysis().failuresByPhase().getOrDefault(Phase.SIGTERM_ENDPOINT_LIVE, 0L)
                - e.analysis().attributions().stream().filter(a -> a.phase() == Phase.SIGTERM_ENDPOINT_LIVE
                        && !a.pods().isEmpty() && ownKills.containsAll(a.pods())).count();
        if (inRace == 0) {
            return List.of();
        }
        // the data path's lag where this run knows it (ROUTING_STOPPED), the API's where it does not
        Map<String, Long> lag = new LinkedHashMap<>();
        Map<String, RoutingSource> source = new LinkedHashMap<>();
        e.events().stream().filter(x -> x.type() == EventType.ROUTING_STOPPED)
                .forEach(x -> RoutingSource.of(x).ifPresent(s -> source.put(x.pod(), s)));
        for (PodTermination t : e.analysis().terminations()) {
            if (t.routingLagMs() >= 0 && !ownKills.contains(t.pod())) {
                lag.put(t.pod(), t.routingLagMs());
            }
        }
        if (lag.isEmpty()) {
            return List.of(unmeasured(e, inRace, ownKills));
        }
        Lags lags = new Lags(lag);
        long margin = Margins.marginMs(lags.max());
        long seconds = Math.max(1, Margins.seconds(lags.max()));
        long current = e.workload().preStop().map(PreStop::seconds).orElse(0L);
        Map<String, Object> ev = new LinkedHashMap<>(lags.evidence("deletionToRoutingStopped"));
        Map<String, RoutingSource> lagSource = new LinkedHashMap<>();
        lag.keySet().forEach(p -> lagSource.put(p, source.getOrDefault(p, RoutingSource.API)));
        Map<String, String> sourceByPod = new LinkedHashMap<>();
        lagSource.forEach((p, s) -> sourceByPod.put(p, s.value()));
        ev.put("routingStoppedSourceByPod", sourceByPod);
        ev.put("failuresInRace", inRace);
        ev.put("preStopSecondsNow", current);
        ev.put("recommendedPreStopSeconds", seconds);
        long measured = lagSource.values().stream().filter(RoutingSource::measured).count();
        String how = measured == lag.size() ? "measured from where requests went"
                : measured == 0 ? lagSource.containsValue(RoutingSource.API_ALLOWANCE) ? "the endpoint change plus the runtime's"
                + " allowance for the data path (not measured: see each pod's 'routing stopped' event)"
                : "the endpoint change" : "measured for " + measured + " pod(s), the endpoint change plus the"
                + " runtime's allowance for the others";
        String why = inRace + " request(s) failed after SIGTERM while the endpoint was still in rotation";
        String patch = Patches.container(e.workload(), "endpoint-race", "preStop " + seconds + " s > the largest"
                + " lag until routing stopped " + lags.max() + " ms + margin " + margin + " ms",
                "lifecycle:\n  preStop:\n"
                + "    # Kubernetes >= 1.30; before: exec: {command: [\"sleep\", \"" + seconds + "\"]}\n"
                + "    sleep:\n      seconds: " + seconds + "\n");
        return List.of(new Finding(Finding.Severity.ERROR, "endpoint-race", why, "the deletion took " + lags.describe()
                + " until traffic stopped reaching each pod (" + how + "), but " + (current == 0
                ? "with no preStop SIGTERM came at once" : "the preStop of " + current + " s was shorter"),
                "preStop sleep ≥ ⌈max lag + margin⌉ = " + seconds
                + " s (lifecycle.preStop.sleep.seconds), or delay shutdown in the app by as much", ev, patch, null)
                .withSettings(Map.of(Setting.PRE_STOP_SLEEP_SECONDS, String.valueOf(seconds))));
    }

    /**
     * Failures after SIGTERM on pods whose leaving rotation this run never saw (the runtime missed the endpoint
     * change, or the pod was still in rotation when the run ended): the race is shown, its size is not, and a
     * preStop length computed from no measurement would be a guess dressed as a number.
     */
    private static Finding unmeasured(RunEvidence e, long inRace, Set<String> ownKills) {
        List<String> pods = e.analysis().terminations().stream().filter(t -> t.sigtermMs() >= 0
                && !ownKills.contains(t.pod())).map(PodTermination::pod).toList();
        long current = e.workload().preStop().map(PreStop::seconds).orElse(0L);
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("failuresInRace", inRace);
        ev.put("podsNeverSeenOutOfRotation", pods);
        ev.put("preStopSecondsNow", current);
        return new Finding(Finding.Severity.ERROR, "endpoint-race", inRace + " request(s) failed after SIGTERM while"
                + " the endpoint was, as far as this run saw, still in rotation", "this run never saw "
                + String.join(", ", pods) + " leave rotation, so the endpoint lag was not measured and no preStop"
                + " length follows from it", "run again with the endpoint watch working (the run's notes say why it"
                + " saw no endpoint change); a preStop sleep longer than the endpoint lag is the usual fix", ev, null,
                null);
    }
}
