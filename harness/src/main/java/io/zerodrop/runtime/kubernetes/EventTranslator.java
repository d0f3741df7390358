package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.PodIncarnations;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * API objects as the watches deliver them → timeline events. Pure: no client, no clock of its own. Every event is
 * stamped with the moment zerodrop <em>received</em> the change ({@code receivedMs}, this host's clock, the one
 * clock Gatling's records share); the server's own timestamps (whole seconds, the API server's or the node's
 * clock) are kept beside it as attributes, never in {@code atMs}. What a cluster does not show (the moment SIGTERM
 * was sent) is not invented here; the runtime infers it and says so.
 *
 * <p>Endpoints: a Service's endpoints may span several EndpointSlices, so the translator folds every slice it has
 * seen into one view keyed by pod, and compares views. EndpointSlice conditions are nullable: null means ready,
 * serving, not terminating. The slices of every Service over the workload fold into the same view, so a pod behind
 * two Services gives one event per change: ready as soon as one slice lists it ready, terminating (out of rotation)
 * once every slice that lists it says so, removed once none lists it. The fold is synchronized: each Service's
 * informer delivers on its own thread.
 */
public final class EventTranslator {
    /** One endpoint's conditions, with nulls resolved. */
    record EndpointState(boolean ready, boolean serving, boolean terminating) {
    }

    private final Map<String, Map<String, EndpointState>> slices = new HashMap<>();
    private Map<String, EndpointState> view = Map.of();
    private final PodIncarnations incarnations;

    /** Endpoints named by their pods' timeline names ({@code web-0#2} for a second pod named web-0). */
    public EventTranslator(PodIncarnations incarnations) {
        this.incarnations = incarnations;
    }

    public EventTranslator() {
        this(new PodIncarnations());
    }

    /** The events one pod change means: marked for deletion, a container exit, a Ready change. */
    public static List<TimelineEvent> pod(Pod before, Pod after, long receivedMs, String cause) {
        List<TimelineEvent> out = new ArrayList<>();
        String name = after.getMetadata().getName();
        if (deletion(before) == null && deletion(after) != null) {
            Map<Attribute, String> a = new EnumMap<>(Attribute.class);
            a.put(Attribute.SERVER_DELETION_TIMESTAMP, deletion(after));
            a.put(Attribute.NOTE,
                    "deletionTimestamp is the request time plus the grace period, on the API server's clock");
            Long grace = after.getMetadata().getDeletionGracePeriodSeconds();
            if (grace != null) {
                a.put(Attribute.GRACE_SECONDS, String.valueOf(grace));
            }
            out.add(new TimelineEvent(receivedMs, EventType.POD_MARKED_FOR_DELETION, name, cause, "deletionTimestamp set",
                    a));
        }
        Map<String, ContainerStateTerminated> was = terminated(before);
        terminated(after).forEach((container, t) -> {
            ContainerStateTerminated earlier = was.get(container);
            if (earlier == null || !Objects.equals(earlier.getFinishedAt(), t.getFinishedAt())) {
                Map<Attribute, String> a = new EnumMap<>(Attribute.class);
                a.put(Attribute.EXIT_CODE, String.valueOf(t.getExitCode()));
                a.put(Attribute.REASON, String.valueOf(t.getReason()));
                a.put(Attribute.CONTAINER, container);
                if (t.getFinishedAt() != null) {
                    a.put(Attribute.NODE_FINISHED_AT, t.getFinishedAt());
                }
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    a.put(Attribute.TERMINATION_MESSAGE, t.getMessage());
                }
                out.add(new TimelineEvent(receivedMs, EventType.CONTAINER_EXITED, name, cause, "exit code "
                        + t.getExitCode() + " (" + t.getReason() + "), seen in containerStatuses", a));
            }
        });
        boolean wasReady = ready(before);
        boolean isReady = ready(after);
        if (isReady != wasReady && deletion(after) == null) {
            out.add(TimelineEvent.of(receivedMs, isReady ? EventType.REPLACEMENT_READY : EventType.NOTE, name, cause,
                    isReady ? "pod Ready" : "pod not Ready"));
        }
        return out;
    }

    /** A slice was added or changed: the events of the change in the folded view of all slices. */
    public synchronized List<TimelineEvent> slice(EndpointSlice s, long receivedMs, Map<String, String> causeByPod) {
        Map<String, EndpointState> next = new HashMap<>();
        for (Endpoint e : s.getEndpoints() == null ? List.<Endpoint>of() : s.getEndpoints()) {
            if (e.getTargetRef() != null && e.getTargetRef().getName() != null) {
                next.put(incarnations.key(e.getTargetRef().getName(), e.getTargetRef().getUid()),
                        state(e.getConditions()));
            }
        }
        slices.put(s.getMetadata().getName(), next);
        return fold(receivedMs, causeByPod);
    }

    /** A slice was deleted: its endpoints leave the view (unless another slice still lists them). */
    public synchronized List<TimelineEvent> sliceDeleted(String sliceName, long receivedMs, Map<String, String> causeByPod) {
        slices.remove(sliceName);
        return fold(receivedMs, causeByPod);
    }

    private List<TimelineEvent> fold(long receivedMs, Map<String, String> causeByPod) {
        Map<String, EndpointState> merged = new HashMap<>();
        for (Map<String, EndpointState> one : slices.values()) {
            one.forEach((pod, st) -> merged.merge(pod, st, (a, b) -> new EndpointState(a.ready() || b.ready(),
                    a.serving() || b.serving(), a.terminating() && b.terminating())));
        }
        List<TimelineEvent> out = new ArrayList<>();
        for (Map.Entry<String, EndpointState> e : merged.entrySet()) {
            EndpointState was = view.get(e.getKey());
            EndpointState now = e.getValue();
            String cause = causeByPod.getOrDefault(e.getKey(), "");
            Map<Attribute, String> a = Map.of(Attribute.SERVING, String.valueOf(now.serving()), Attribute.TERMINATING,
                    String.valueOf(now.terminating()));
            if (now.terminating() && (was == null || !was.terminating())) {
                out.add(new TimelineEvent(receivedMs, EventType.ENDPOINT_TERMINATING, e.getKey(), cause,
                        "endpoint terminating (ready=false) in the control plane's EndpointSlices", a));
            } else if (now.ready() && (was == null || !was.ready())) {
                out.add(new TimelineEvent(receivedMs, EventType.ENDPOINT_READY, e.getKey(), cause, "endpoint ready", a));
            } else if (!now.ready() && !now.terminating() && (was == null || was.ready())) {
                out.add(new TimelineEvent(receivedMs, EventType.ENDPOINT_NOT_READY, e.getKey(), cause,
                        "endpoint not ready", a));
            }
        }
        for (String gone : view.keySet()) {
            if (!merged.containsKey(gone)) {
                out.add(TimelineEvent.of(receivedMs, EventType.ENDPOINT_REMOVED, gone, causeByPod.getOrDefault(gone, ""),
                        "endpoint removed from the Service's EndpointSlices"));
            }
        }
        out.sort(Comparator.comparing(TimelineEvent::pod));
        view = merged;
        return out;
    }

    /**
     * A core/v1 Event about one of the workload's pods (the kubelet's Killing, Unhealthy, FailedPreStopHook, …) as a
     * NOTE on that pod; its whole-second server times are kept as attributes. Null for events about anything else.
     */
    public static TimelineEvent event(Event e, long receivedMs,
            Predicate<String> ownPod, Map<String, String> causeByPod) {
        if (e.getInvolvedObject() == null || !"Pod".equals(e.getInvolvedObject().getKind())
                || !ownPod.test(e.getInvolvedObject().getName())) {
            return null;
        }
        return event(e, receivedMs, e.getInvolvedObject().getName(), causeByPod);
    }

    /** As above, for an Event already known to be about the workload's pod whose timeline name is {@code pod}. */
    public static TimelineEvent event(Event e, long receivedMs, String pod, Map<String, String> causeByPod) {
        Map<Attribute, String> a = new EnumMap<>(Attribute.class);
        a.put(Attribute.REASON, String.valueOf(e.getReason()));
        a.put(Attribute.KUBERNETES_EVENT_TYPE, String.valueOf(e.getType()));
        if (e.getFirstTimestamp() != null) {
            a.put(Attribute.SERVER_FIRST_TIMESTAMP, e.getFirstTimestamp());
        }
        if (e.getLastTimestamp() != null) {
            a.put(Attribute.SERVER_LAST_TIMESTAMP, e.getLastTimestamp());
        }
        if (e.getCount() != null) {
            a.put(Attribute.COUNT, String.valueOf(e.getCount()));
        }
        String what = switch (String.valueOf(e.getReason())) {
            case "FailedPreStopHook" -> "preStop hook failed: ";
            case "Killing" -> "kubelet stopping the container: ";
            case "Unhealthy" -> "probe failed: ";
            default -> e.getReason() + ": ";
        };
        return new TimelineEvent(receivedMs, EventType.NOTE, pod, causeByPod.getOrDefault(pod, ""),
                what + e.getMessage(), a);
    }

    /** A PodDisruptionBudget's status change (disruptionsAllowed and its counts) as a NOTE; null when unchanged. */
    public static TimelineEvent budget(PodDisruptionBudget before,
            PodDisruptionBudget after, long receivedMs) {
        var s = after.getStatus();
        if (s == null) {
            return null;
        }
        var b = before == null ? null : before.getStatus();
        if (b != null && Objects.equals(b.getDisruptionsAllowed(), s.getDisruptionsAllowed())
                && Objects.equals(b.getCurrentHealthy(), s.getCurrentHealthy())
                && Objects.equals(b.getDesiredHealthy(), s.getDesiredHealthy())) {
            return null;
        }
        Map<Attribute, String> a = new EnumMap<>(Attribute.class);
        a.put(Attribute.BUDGET, after.getMetadata().getName());
        a.put(Attribute.DISRUPTIONS_ALLOWED, String.valueOf(s.getDisruptionsAllowed()));
        a.put(Attribute.CURRENT_HEALTHY, String.valueOf(s.getCurrentHealthy()));
        a.put(Attribute.DESIRED_HEALTHY, String.valueOf(s.getDesiredHealthy()));
        a.put(Attribute.EXPECTED_PODS, String.valueOf(s.getExpectedPods()));
        return new TimelineEvent(receivedMs, EventType.NOTE, "", "", "PodDisruptionBudget " + after.getMetadata()
                .getName() + ": disruptionsAllowed " + s.getDisruptionsAllowed() + " (healthy " + s.getCurrentHealthy()
                + " of " + s.getDesiredHealthy() + " needed)", a);
    }

    static EndpointState state(EndpointConditions c) {
        if (c == null) {
            return new EndpointState(true, true, false);
        }
        return new EndpointState(c.getReady() == null || c.getReady(), c.getServing() == null || c.getServing(),
                c.getTerminating() != null && c.getTerminating());
    }

    private static String deletion(Pod p) {
        return p == null || p.getMetadata() == null ? null : p.getMetadata().getDeletionTimestamp();
    }

    private static boolean ready(Pod p) {
        if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
            return false;
        }
        return p.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                .map(PodCondition::getStatus).anyMatch("True"::equals);
    }

    /** Terminated states by container, from state and lastState (a restarted container keeps its last exit there). */
    private static Map<String, ContainerStateTerminated> terminated(Pod p) {
        Map<String, ContainerStateTerminated> out = new HashMap<>();
        if (p == null || p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return out;
        }
        Collection<ContainerStatus> statuses = p.getStatus().getContainerStatuses();
        for (ContainerStatus s : statuses) {
            if (s.getState() != null && s.getState().getTerminated() != null) {
                out.put(s.getName(), s.getState().getTerminated());
            } else if (s.getLastState() != null && s.getLastState().getTerminated() != null) {
                out.put(s.getName(), s.getLastState().getTerminated());
            }
        }
        return out;
    }
}
