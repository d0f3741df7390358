package io.zerodrop.analysis;

import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pod's termination as the timeline tells it; times are epoch ms, {@code -1} when the event was not seen.
 * "Out of rotation" is the API's moment: the first of endpoint not-ready, terminating or removed since the pod was
 * last put in rotation before its deletion (not its birth, when a new pod is listed not ready). "Routing stopped"
 * is the data path's ({@link EventType#ROUTING_STOPPED}: measured from where requests went, or the API's moment plus
 * the runtime's allowance); where it is known, it decides until when new connections were still sent to the pod. The replacement counts as starting from its start until {@link #REPLACEMENT_SETTLE_MS} after the
 * later of its Ready condition and its endpoint entering rotation, or until {@link #SETTLE_MS} after it was seen
 * listening if that is later: a replacement without a readiness probe is Ready before it listens, and takes failures
 * once its endpoint is in rotation, for as long as its process takes to listen.
 */
public record PodTermination(String pod, String disruption, long markedMs, long preStopStartMs, long preStopEndMs,
        long sigtermMs, long sigkillMs, long exitMs, int exitCode, long outOfRotationMs, long endpointRemovedMs,
        String replacement, long replacementStartedMs, long replacementReadyMs, long replacementInRotationMs,
        long replacementListeningMs, long routingStoppedMs) {

    /** Margin after the last termination event during which failures are still put on this pod. */
    static final long SETTLE_MS = 1000;
    /**
     * How long after a replacement is both Ready and in rotation its failures are still "starting" when the runtime
     * cannot see when it listens: without a readiness probe it is Ready before it listens, and a JVM on a loaded
     * machine can take seconds to listen.
     */
    static final long REPLACEMENT_SETTLE_MS = 5000;
    /**
     * How long after a pod exited (or left rotation, if later) a refused new connection is still put on it: the
     * conntrack entry of a connection it reset stays in CLOSE state for {@code nf_conntrack_tcp_timeout_close}
     * (10 s by default), kube-proxy does not clear TCP entries, and a new connection reusing that source port is sent
     * to the dead pod again.
     */
    static final long STALE_CONNTRACK_MS = 10_000;

    /** Builds one record per pod that was marked for deletion (or signalled) in the timeline. */
    public static List<PodTermination> from(List<TimelineEvent> events) {
        Map<String, long[]> times = new LinkedHashMap<>();
        Map<String, String> disruption = new LinkedHashMap<>();
        Map<String, Integer> exitCodes = new LinkedHashMap<>();
        Map<String, String> replacementOf = new LinkedHashMap<>();
        for (TimelineEvent e : events) {
            if (e.pod().isEmpty()) {
                continue;
            }
            if (e.type() == EventType.REPLACEMENT_STARTED || e.type() == EventType.REPLACEMENT_READY) {
                String old = e.attribute(Attribute.REPLACES);
                if (old != null) {
                    replacementOf.put(old, e.pod());
                }
            }
            int slot = slot(e.type());
            if (slot < 0) {
                continue;
            }
            long[] t = times.computeIfAbsent(e.pod(), p -> newTimes());
            if (e.type() == EventType.ENDPOINT_READY && t[0] < 0 && t[3] < 0 && t[4] < 0) {
                // in rotation again before any deletion: a pod born during the run is listed not ready as soon as it
                // has an IP, and readiness may flap under load; leaving rotation is what follows the last return
                t[6] = -1;
                t[7] = -1;
            }
            if (t[slot] < 0) {
                t[slot] = e.atMs();
            }
            if (!e.disruption().isEmpty()) {
                disruption.putIfAbsent(e.pod(), e.disruption());
            }
            if (e.type() == EventType.CONTAINER_EXITED && e.has(Attribute.EXIT_CODE)) {
                exitCodes.put(e.pod(), Integer.parseInt(e.attribute(Attribute.EXIT_CODE)));
            }
        }
        List<PodTermination> out = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : times.entrySet()) {
            long[] t = entry.getValue();
            if (t[0] < 0 && t[3] < 0 && t[4] < 0) {
                continue; // a pod that only started (a replacement) is not a termination
            }
            String pod = entry.getKey();
            String repl = replacementOf.getOrDefault(pod, "");
            long[] r = repl.isEmpty() ? newTimes() : times.getOrDefault(repl, newTimes());
            long outOfRotation = minPositive(t[6], t[7], t[8]);
            out.add(new PodTermination(pod, disruption.getOrDefault(pod, ""), t[0], t[1], t[2], t[3], t[4], t[5],
                    exitCodes.getOrDefault(pod, -1), outOfRotation, t[8], repl, r[9], r[10], r[11], r[12], t[13]));
        }
        return out;
    }

    private static long[] newTimes() {
        long[] t = new long[14];
        Arrays.fill(t, -1);
        return t;
    }

    private static int slot(EventType type) {
        return switch (type) {
            case POD_MARKED_FOR_DELETION -> 0;
            case PRESTOP_STARTED -> 1;
            case PRESTOP_ENDED -> 2;
            case SIGTERM_SENT -> 3;
            case SIGKILL_SENT -> 4;
            case CONTAINER_EXITED -> 5;
            case ENDPOINT_NOT_READY -> 6;
            case ENDPOINT_TERMINATING -> 7;
            case ENDPOINT_REMOVED -> 8;
            case REPLACEMENT_STARTED -> 9;
            case REPLACEMENT_READY -> 10;
            case ENDPOINT_READY -> 11;
            case CONTAINER_LISTENING -> 12;
            case ROUTING_STOPPED -> 13;
            default -> -1;
        };
    }

    private static long minPositive(long... values) {
        long min = -1;
        for (long v : values) {
            if (v >= 0 && (min < 0 || v < min)) {
                min = v;
            }
        }
        return min;
    }

    /** From the deletion to out of rotation as the API said it (the endpoint lag), or -1 when either was not seen. */
    public long outOfRotationLagMs() {
        return markedMs >= 0 && outOfRotationMs >= markedMs ? outOfRotationMs - markedMs : -1;
    }

    /** Until when new connections were sent to this pod: the data path's moment where known, else the API's. */
    public long inRotationUntilMs() {
        return routingStoppedMs >= 0 ? routingStoppedMs : outOfRotationMs;
    }

    /**
     * From the deletion to routing stopped (the lag a preStop must cover), the API's lag where the data path's
     * moment is unknown, or -1 when neither was seen.
     */
    public long routingLagMs() {
        return markedMs >= 0 && routingStoppedMs >= markedMs ? routingStoppedMs - markedMs : outOfRotationLagMs();
    }

    long startMs() {
        return minPositive(markedMs, sigtermMs, sigkillMs);
    }

    long endMs() {
        return Math.max(Math.max(exitMs, inRotationUntilMs()), Math.max(sigkillMs, sigtermMs)) + SETTLE_MS;
    }

    /** The phase of this pod at {@code t}, or null when {@code t} is outside its termination. */
    Phase phaseAt(long t) {
        Phase own = ownPhaseAt(t);
        return own != null ? own : replacementStartingAt(t) ? Phase.REPLACEMENT_STARTING : null;
    }

    /** Whether this pod's replacement had started but was not ready at {@code t}. */
    boolean replacementStartingAt(long t) {
        if (replacementStartedMs < 0 || t < replacementStartedMs) {
            return false;
        }
        if (replacementReadyMs < 0) {
            return true;
        }
        long settled = Math.max(replacementReadyMs, replacementInRotationMs) + REPLACEMENT_SETTLE_MS;
        return t < Math.max(settled, replacementListeningMs < 0 ? -1 : replacementListeningMs + SETTLE_MS);
    }

    /** Whether a refused connect at {@code t}, after this pod's termination, can be a stale conntrack entry's. */
    boolean staleRouteAt(long t) {
        return exitMs >= 0 && t > exitMs && t <= Math.max(exitMs, inRotationUntilMs()) + STALE_CONNTRACK_MS;
    }

    private Phase ownPhaseAt(long t) {
        long start = startMs();
        if (start >= 0 && t >= start && t <= endMs()) {
            if (sigkillMs >= 0 && t >= sigkillMs) {
                return Phase.AFTER_SIGKILL;
            }
            long until = inRotationUntilMs();
            boolean inRotation = until < 0 || t < until;
            if (inRotation) {
                return sigtermMs >= 0 && t >= sigtermMs ? Phase.SIGTERM_ENDPOINT_LIVE : Phase.MARKED_BEFORE_SIGTERM;
            }
            return exitMs >= 0 && t >= exitMs ? Phase.AFTER_EXIT : Phase.DRAINING;
        }
        return null;
    }
}
