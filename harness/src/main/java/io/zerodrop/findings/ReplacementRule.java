package io.zerodrop.findings;

import io.zerodrop.analysis.Phase;
import io.zerodrop.analysis.PodTermination;
import io.zerodrop.scenario.Setting;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A replacement put in rotation before it serves. Failures while a replacement was starting are the symptom; a
 * workload without a readiness probe has the cause whether or not this run's timing exposed it — its replacement is
 * Ready, and in rotation, as soon as its container runs — so the finding is made on every run that started a
 * replacement (an error when requests failed, a warning when this run got lucky), with the window the runtime
 * measured between in rotation and listening where it can see both.
 */
final class ReplacementRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        long starting = e.analysis().failuresByPhase().getOrDefault(Phase.REPLACEMENT_STARTING, 0L);
        var w = e.workload();
        List<PodTermination> replaced = e.analysis().terminations().stream().filter(t -> !t.replacement().isEmpty())
                .toList();
        long n = onReplacementsInRotation(e, replaced, starting);
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("failuresWhileReplacementStarting", starting);
        if (n != starting) {
            ev.put("failuresWhileReplacementInRotation", n);
        }
        ev.put("readinessProbe", w.readinessProbe().map(p -> p.describe()).orElse("none"));
        Map<String, Long> early = new LinkedHashMap<>();
        for (PodTermination t : replaced) {
            if (t.replacementInRotationMs() >= 0 && t.replacementListeningMs() >= 0) {
                early.put(t.replacement(), t.replacementListeningMs() - t.replacementInRotationMs());
            }
        }
        if (!early.isEmpty()) {
            ev.put("listeningAfterInRotationMsByPod", early);
        }
        if (w.readinessProbe().isEmpty() && (n > 0 || !replaced.isEmpty()) && w.service().isPresent()) {
            String patch = w.containerPort() > 0 ? Patches.container(w, "replacement-not-ready", "no readiness probe:"
                    + " a replacement is Ready before it listens", "# at least this; an HTTP check of an endpoint that"
                    + " answers only when the app can serve is better\nreadinessProbe:\n  tcpSocket:\n    port: "
                    + w.containerPort() + "\n  periodSeconds: 2\n  failureThreshold: 2\n") : null;
            String measured = early.isEmpty() ? "" : "; in rotation vs listening (ms, positive = in rotation first): "
                    + early;
            return List.of(new Finding(n > 0 ? Finding.Severity.ERROR : Finding.Severity.WARNING,
                    "replacement-not-ready", (n > 0 ? n + " request(s) failed while a replacement pod was starting"
                    : replaced.size() + " replacement pod(s) started with no readiness probe") + ": readiness probe"
                    + " missing", "without a readiness probe a pod is Ready, and in rotation, as soon as its container"
                    + " runs — before the app listens" + measured, "add a readinessProbe on the served port", ev, patch,
                    null).withSettings(Map.of(Setting.READINESS_PERIOD_SECONDS, "2", Setting.READINESS_FAILURE_THRESHOLD, "2")));
        }
        if (n == 0) {
            return List.of();
        }
        return List.of(new Finding(Finding.Severity.WARNING, "replacement-not-ready", n + " request(s) failed while a"
                + " replacement pod was starting: its readiness probe passes before the app serves",
                "readiness (" + w.readinessProbe().map(p -> p.describe()).orElse("") + ") said Ready while requests"
                        + " still failed", "make the readiness endpoint answer only once the app can serve (warm-up,"
                        + " dependencies), or add a startupProbe", ev, null, null));
    }

    /**
     * Of the failures put on a starting replacement, those that came once it was in rotation: before that no request
     * was sent to it, and its readiness cannot have let them in. When the replacement was never seen entering
     * rotation, or the run kept too few failures to tell, all of them count.
     */
    private static long onReplacementsInRotation(RunEvidence e, List<PodTermination> replaced, long starting) {
        if (starting == 0 || e.analysis().attributionsOmitted() > 0) {
            return starting;
        }
        Map<String, Long> inRotation = new LinkedHashMap<>();
        for (PodTermination t : replaced) {
            inRotation.put(t.replacement(), t.replacementInRotationMs());
        }
        return e.analysis().attributions().stream().filter(a -> a.phase() == Phase.REPLACEMENT_STARTING)
                .filter(a -> a.pods().isEmpty() || a.pods().stream().anyMatch(p -> inRotation.getOrDefault(p, -1L) < 0
                        || a.atMs() >= inRotation.get(p))).count();
    }
}
