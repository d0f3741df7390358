package io.zerodrop.findings;

import io.zerodrop.analysis.PodTermination;
import io.zerodrop.scenario.Setting;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.workload.PreStop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Exit 137 after a termination: the grace period ran out and the kubelet SIGKILLed the app. Either the app needs
 * longer than the grace period allows (preStop + drain > grace: lengthen it), or SIGTERM never reached it — it
 * showed no sign of shutting down between SIGTERM and SIGKILL (its readiness never failed; it is known to ignore
 * SIGTERM; or a shell runs as PID 1) — and no grace period helps. Pods zerodrop itself killed (grace 0) are not
 * read here: their SIGKILL is the disruption's.
 */
final class GraceRule implements FindingRule {
    /** How much earlier than the grace period's end an exit 137 may be seen and still be its SIGKILL (clock steps). */
    static final long GRACE_SLACK_MS = 500;

    @Override
    public List<Finding> diagnose(RunEvidence e) {
        Set<String> ownKills = OwnKills.of(e.events());
        var w = e.workload();
        long grace = w.terminationGracePeriodSeconds();
        // the grace period ran out only if the kill came when it ended: the kubelet's SIGKILL was seen, or the exit
        // came no earlier than the grace period after the deletion (a 137 before that is the OOM killer's, or the
        // app's own: no grace period or SIGTERM handling explains it)
        List<PodTermination> killed = e.analysis().terminations().stream().filter(t -> t.exitCode() == 137
                && t.markedMs() >= 0 && !ownKills.contains(t.pod()) && (t.sigkillMs() >= 0
                || t.exitMs() - t.markedMs() >= grace * 1000 - GRACE_SLACK_MS)).toList();
        if (killed.isEmpty()) {
            return List.of();
        }
        long preStop = w.preStop().map(PreStop::seconds).orElse(0L);
        Map<String, Long> killAfter = new LinkedHashMap<>();
        killed.forEach(t -> killAfter.put(t.pod(), killedAt(t) - t.markedMs()));
        List<String> silent = silent(e, killed);
        boolean ignores = "ignore".equalsIgnoreCase(w.env().getOrDefault("SHUTDOWN_MODE", ""));
        boolean shell = w.command().size() >= 2 && w.command().get(0).matches(".*/?(ba|da|a|z|k)?sh")
                && w.command().get(1).equals("-c");
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("killedPods", killAfter.keySet());
        ev.put("deletionToKillMsByPod", killAfter);
        ev.put("gracePeriodSeconds", grace);
        ev.put("preStopSeconds", preStop);
        // readiness that never failed shows a silent app only where a readiness probe was there to fail
        boolean watched = w.readinessProbe().isPresent();
        if (ignores || shell || (watched && silent.size() == killed.size())) {
            ev.put("noShutdownActivity", silent);
            String reason = ignores ? "the app is set to ignore SIGTERM (SHUTDOWN_MODE=ignore)"
                    : shell ? "the container's command is a shell (" + String.join(" ", w.command().subList(0, 2))
                    + "), which does not pass SIGTERM on" : "none of the killed pods showed shutdown activity after"
                    + " SIGTERM: readiness never failed, they exited only when killed";
            return List.of(new Finding(Finding.Severity.ERROR, "sigterm-ignored", "SIGTERM never reached the app"
                    + " (shell-form entrypoint?): " + killed.size() + " pod(s) ran until SIGKILL (exit 137)",
                    reason + "; deletion to kill " + new Lags(killAfter).describe(), "make the app PID 1 (exec form:"
                    + " command: [\"java\", …], or exec in the script) and stop on SIGTERM; a longer grace period"
                    + " only delays the kill", ev, null, null));
        }
        long needed = Math.max(grace + 1, (long) Math.ceil(new Lags(killAfter).max() / 1000.0) * 2);
        ev.put("recommendedGracePeriodSeconds", needed);
        String patch = Patches.podSpec(w, "grace-exhausted", "the grace period ran out before the app finished",
                "terminationGracePeriodSeconds: " + needed + "\n");
        String detail = watched ? "the app was still shutting down when killed; deletion to kill "
                + new Lags(killAfter).describe() : "deletion to kill " + new Lags(killAfter).describe() + "; with no"
                + " readiness probe this run cannot tell whether the app was still shutting down or never saw SIGTERM"
                + " (then a longer grace period only delays the kill: check the app is PID 1 and stops on SIGTERM)";
        if (!watched) {
            ev.put("shutdownActivityObservable", false);
        }
        return List.of(new Finding(Finding.Severity.ERROR, "grace-exhausted", "grace period ran out: preStop " + preStop
                + " s + drain > grace " + grace + " s; " + killed.size() + " pod(s) SIGKILLed (exit 137)", detail,
                "terminationGracePeriodSeconds ≥ preStop + the app's drain time + a margin (" + needed + " s), or"
                        + " make the app finish sooner", ev, patch, null).withSettings(Map.of(
                        Setting.TERMINATION_GRACE_PERIOD_SECONDS, String.valueOf(needed))));
    }

    /** When the pod was killed: the SIGKILL when seen, else its exit. */
    private static long killedAt(PodTermination t) {
        return t.sigkillMs() >= 0 ? t.sigkillMs() : t.exitMs();
    }

    /** The killed pods that showed no shutdown activity: readiness never failed between SIGTERM and the kill. */
    private static List<String> silent(RunEvidence e, List<PodTermination> killed) {
        List<String> silent = new ArrayList<>();
        for (PodTermination t : killed) {
            long end = killedAt(t);
            boolean readinessFailed = e.events().stream().anyMatch(x -> x.pod().equals(t.pod())
                    && x.type() == EventType.ENDPOINT_NOT_READY && t.sigtermMs() >= 0 && x.atMs() >= t.sigtermMs()
                    && (end < 0 || x.atMs() <= end));
            if (!readinessFailed) {
                silent.add(t.pod());
            }
        }
        return silent;
    }
}
