package io.zerodrop.runtime.local;

import io.zerodrop.core.Sleep;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.workload.Probe;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet's part of a pod's deletion on this host: it notices the deletion after {@code noticeMs}, runs the
 * preStop hook, sends SIGTERM, and SIGKILLs what is left when the grace period runs out, each step on the timeline.
 */
final class Kubelet {
    private final Timeline timeline;
    private final long noticeMs;

    Kubelet(Timeline timeline, long noticeMs) {
        this.timeline = timeline;
        this.noticeMs = noticeMs;
    }

    /** The kubelet's minimum between SIGTERM and SIGKILL, also after a grace-0 deletion. */
    static final long MINIMUM_GRACE_MS = 2_000;

    /**
     * The kubelet's side: preStop, SIGTERM, and SIGKILL at the end of the grace period counted from deletion. With
     * grace period 0 the kubelet runs no preStop (it runs one only with time left) and still gives the container its
     * minimum of {@link #MINIMUM_GRACE_MS} between SIGTERM and SIGKILL.
     */
    void terminate(LocalPod pod, long t0, long graceMs, String cause) {
        Sleep.forMs(noticeMs);
        Process proc = pod.process();
        long deadline = graceMs == 0 ? System.currentTimeMillis() + MINIMUM_GRACE_MS : t0 + graceMs;
        if (graceMs > 0 && pod.preStop().isPresent()) {
            Probe h = pod.preStop().get();
            timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.PRESTOP_STARTED, pod.name, cause,
                    h.describe()));
            boolean ok = Prober.check(h, pod.ip, Math.max(0, deadline - System.currentTimeMillis()), pod.env(), pod.dir,
                    pod.launcher());
            long now = System.currentTimeMillis();
            timeline.add(TimelineEvent.of(now, EventType.PRESTOP_ENDED, pod.name, cause,
                    ok ? "completed" : now >= deadline ? "cut by the grace period" : "failed"));
            if (now >= deadline) {
                deadline = now + 2_000; // the kubelet's one-off extension when preStop outlives the grace period
            }
        }
        if (proc.isAlive()) {
            long sigterm = System.currentTimeMillis();
            if (graceMs == 0) {
                deadline = sigterm + MINIMUM_GRACE_MS; // the minimum counts from the signal itself
            }
            timeline.add(TimelineEvent.of(sigterm, EventType.SIGTERM_SENT, pod.name, cause,
                    graceMs == 0 ? "grace period 0: SIGKILL follows in " + MINIMUM_GRACE_MS / 1000 + " s" : ""));
            proc.toHandle().destroy();
        }
        try {
            if (!proc.waitFor(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) {
                timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.SIGKILL_SENT, pod.name, cause,
                        graceMs == 0 ? "grace period 0: the kubelet's minimum of " + MINIMUM_GRACE_MS / 1000
                        + " s ran out" : "grace period of " + graceMs / 1000 + " s ran out"));
                LocalPod.killTree(proc);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LocalPod.killTree(proc);
        }
    }
}
