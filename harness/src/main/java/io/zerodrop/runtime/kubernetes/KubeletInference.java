package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.workload.PreStop;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the kubelet does that the API does not show — preStop, SIGTERM, SIGKILL — inferred from what it does show,
 * and marked as inferred on every event ({@code inferred} attribute: the basis) so that no report passes an
 * estimate off as an observation. Pure: the pod as the watch delivered it and the moment zerodrop saw the deletion.
 *
 * <p>The kubelet starts the preStop hook when it sees the deletion, sends SIGTERM when the hook returns, and
 * SIGKILL when the grace period (counted from the deletion, preStop included) runs out. So: no preStop → SIGTERM at
 * the deletion; a preStop of known length (the {@code sleep} action, {@code exec sleep N}, {@code sh -c "sleep N"})
 * → SIGTERM that long after, at most the grace period; any other preStop → SIGTERM unknown until a
 * {@code FailedPreStopHook} event or the container's exit bounds it. A deletion with grace period 0 runs no preStop,
 * sends SIGTERM at once and SIGKILL {@link #MINIMUM_GRACE_MS} later if needed. The kubelet's own lag in noticing the deletion
 * (its watch, usually well under a second) is not visible and not added.
 */
public final class KubeletInference {
    private KubeletInference() {
    }

    /** The grace period this deletion has: the request's own, else the pod's, else Kubernetes' default 30 s. */
    static long graceSeconds(Pod p) {
        Long g = p.getMetadata().getDeletionGracePeriodSeconds();
        if (g == null && p.getSpec() != null) {
            g = p.getSpec().getTerminationGracePeriodSeconds();
        }
        return g == null ? 30 : g;
    }

    /** How long the first container's preStop hook runs: empty = none; -1 = a hook whose length is not known. */
    static Optional<Long> preStopSeconds(Pod p) {
        if (p.getSpec() == null || p.getSpec().getContainers() == null || p.getSpec().getContainers().isEmpty()) {
            return Optional.empty();
        }
        return PreStop.seconds(p.getSpec().getContainers().get(0));
    }

    /**
     * The kubelet gives every container at least this long between SIGTERM and SIGKILL, also after a deletion with
     * grace period 0 (its {@code minimumGracePeriodInSeconds}).
     */
    static final long MINIMUM_GRACE_MS = 2_000;

    /** Why a grace-0 deletion's SIGTERM is placed at the deletion (the kubelet's container kill path). */
    static final String GRACE_ZERO = "grace period 0: the kubelet runs a preStop hook only with time left, so none"
            + " runs; it sends SIGTERM when it sees the deletion and SIGKILL 2 s later (its minimum grace) if the"
            + " container still runs";

    /** The events the kubelet's termination of {@code pod} implies, from the moment zerodrop saw its deletion. */
    public static List<TimelineEvent> onDeletion(Pod pod, long markedMs, String cause) {
        String name = pod.getMetadata().getName();
        long grace = graceSeconds(pod);
        Optional<Long> preStop = preStopSeconds(pod);
        List<TimelineEvent> out = new ArrayList<>();
        if (grace == 0) {
            out.add(inferred(markedMs, EventType.SIGTERM_SENT, name, cause, "SIGTERM", GRACE_ZERO));
            return out;
        }
        if (preStop.isEmpty()) {
            out.add(inferred(markedMs, EventType.SIGTERM_SENT, name, cause, "SIGTERM",
                    "no preStop hook: the kubelet sends SIGTERM when it sees the deletion"));
            return out;
        }
        long p = preStop.get();
        if (p < 0) {
            out.add(inferred(markedMs, EventType.PRESTOP_STARTED, name, cause, "preStop started",
                    "the kubelet starts the preStop hook when it sees the deletion; this hook's length is not known,"
                            + " so SIGTERM is not placed"));
            return out;
        }
        long runs = Math.min(p, grace) * 1000;
        String basis = "preStop sleeps " + p + " s" + (p > grace ? ", cut at the grace period " + grace + " s" : "")
                + ", counted from the deletion zerodrop saw";
        out.add(inferred(markedMs, EventType.PRESTOP_STARTED, name, cause, "preStop started", basis));
        out.add(inferred(markedMs + runs, EventType.PRESTOP_ENDED, name, cause, "preStop ended", basis));
        out.add(inferred(markedMs + runs, EventType.SIGTERM_SENT, name, cause, "SIGTERM", basis));
        return out;
    }

    /** A {@code FailedPreStopHook} event: the hook has ended (failed) by now, and SIGTERM followed it. */
    public static List<TimelineEvent> onFailedPreStopHook(String pod, long receivedMs, String cause) {
        String basis = "a FailedPreStopHook event was received: the hook ended no later, and SIGTERM follows it";
        return List.of(inferred(receivedMs, EventType.PRESTOP_ENDED, pod, cause, "preStop ended (failed)", basis),
                inferred(receivedMs, EventType.SIGTERM_SENT, pod, cause, "SIGTERM", basis));
    }

    /**
     * A container that exited 137 after its pod's deletion was killed: when the grace period ran out (the kubelet
     * gives a preStop that overran it 2 s more), or at the exit if that was seen first.
     */
    public static Optional<TimelineEvent> onExit(Pod pod, long markedMs, int exitCode, long exitSeenMs, String cause) {
        if (exitCode != 137 || markedMs < 0) {
            return Optional.empty();
        }
        long grace = graceSeconds(pod);
        if (grace == 0) {
            return Optional.of(inferred(Math.min(markedMs + MINIMUM_GRACE_MS, exitSeenMs), EventType.SIGKILL_SENT,
                    pod.getMetadata().getName(), cause, "SIGKILL", "exit code 137 after a deletion with grace period"
                            + " 0: killed 2 s (the kubelet's minimum grace) after SIGTERM, or at the exit if seen"
                            + " sooner"));
        }
        long extension = preStopSeconds(pod).filter(p -> p >= grace).isPresent() ? 2 : 0;
        long at = Math.min(markedMs + (grace + extension) * 1000, exitSeenMs);
        return Optional.of(inferred(at, EventType.SIGKILL_SENT, pod.getMetadata().getName(), cause, "SIGKILL",
                "exit code 137 after the deletion: killed when the grace period of " + grace + " s"
                        + (extension > 0 ? " (+2 s for the overrunning preStop)" : "") + " ran out, or at the exit if"
                        + " seen sooner"));
    }

    private static TimelineEvent inferred(long atMs, EventType type, String pod, String cause, String what,
            String basis) {
        Map<Attribute, String> a = new EnumMap<>(Attribute.class);
        a.put(Attribute.INFERRED, basis);
        return new TimelineEvent(atMs, type, pod, cause, what + " (inferred: not visible through the API)", a);
    }
}
