package io.zerodrop.runtime.local;

import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.workload.Workload;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the pods' kubelets report — readiness, a container's exit, its listening socket, notes — put on the
 * timeline and passed on to the endpoints, as a kubelet's status updates reach the API server and from it the
 * endpoint controller. Once teardown began nothing more is reported: it is not part of the run's story.
 */
final class PodReports implements LocalPod.Listener {
    private final Timeline timeline;
    private final Endpoints endpoints;
    private final Supplier<Workload> workload;
    private final BooleanSupplier tearingDown;
    /** Why each pod is being terminated: the cause of the disruption that deleted it. */
    private final Map<String, String> terminationCause = new ConcurrentHashMap<>();
    /** Pods whose container exited while nobody was terminating them. */
    private final Set<String> crashed = ConcurrentHashMap.newKeySet();

    PodReports(Timeline timeline, Endpoints endpoints, Supplier<Workload> workload, BooleanSupplier tearingDown) {
        this.timeline = timeline;
        this.endpoints = endpoints;
        this.workload = workload;
        this.tearingDown = tearingDown;
    }

    void terminating(String pod, String cause) {
        terminationCause.put(pod, cause);
    }

    String causeOf(String pod) {
        return terminationCause.getOrDefault(pod, "");
    }

    Set<String> crashed() {
        return crashed;
    }

    @Override
    public void readinessChanged(LocalPod pod, boolean ready) {
        if (ready && !pod.replaces.isEmpty()) {
            timeline.add(new TimelineEvent(System.currentTimeMillis(), EventType.REPLACEMENT_READY, pod.name,
                    pod.cause, "", Map.of(Attribute.REPLACES, pod.replaces)));
        }
        Workload w = workload.get();
        int targetPort = w.service().map(Workload.Service::targetPort).orElse(w.containerPort());
        endpoints.readinessChanged(pod, targetPort, ready, () -> causeOf(pod.name));
    }

    @Override
    public void containerExited(LocalPod pod, int exitCode, long atMs) {
        if (tearingDown.getAsBoolean()) {
            return;
        }
        String cause = causeOf(pod.name);
        String reason = exitCode == 137 ? "Killed (SIGKILL)" : exitCode == 143 ? "Terminated by SIGTERM"
                : exitCode == 0 ? "Completed" : "Error";
        timeline.add(new TimelineEvent(atMs, EventType.CONTAINER_EXITED, pod.name, cause, reason,
                Map.of(Attribute.EXIT_CODE, String.valueOf(exitCode), Attribute.REASON, reason)));
        if (pod.isTerminating()) {
            // Until the deletion itself has propagated (ENDPOINT_TERMINATING), new connections still come here.
            endpoints.removed(pod.name, cause);
        } else {
            crashed.add(pod.name);
            timeline.add(TimelineEvent.of(atMs, EventType.NOTE, pod.name, cause,
                    "container exited with code " + exitCode + " while not terminating (crash)"));
        }
    }

    @Override
    public void listening(LocalPod pod, long atMs, long afterStartMs) {
        if (tearingDown.getAsBoolean()) {
            return;
        }
        timeline.add(TimelineEvent.of(atMs, EventType.CONTAINER_LISTENING, pod.name, pod.cause, "port "
                + workload.get().containerPort() + " accepting connections " + afterStartMs
                + " ms after the container started"));
    }

    @Override
    public void note(LocalPod pod, String what) {
        if (tearingDown.getAsBoolean()) {
            return;
        }
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, pod.name, causeOf(pod.name), what));
    }
}
