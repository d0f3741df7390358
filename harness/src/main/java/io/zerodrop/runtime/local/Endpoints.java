package io.zerodrop.runtime.local;

import io.zerodrop.runtime.PodInfo;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The endpoint controller and the Service's proxies as one: a pod's readiness and its deletion reach the endpoint
 * table, and from it the Service front, only after a propagation delay (the configured one ± jitter), as they reach
 * kube-proxy on a node some time after the API server has them. Changes are published to the front in the order
 * they are made.
 */
final class Endpoints {
    private final EndpointTable table = new EndpointTable();
    private final Timeline timeline;
    private final ScheduledExecutorService scheduler;
    private final LocalSettings settings;
    private final Random random;
    private volatile ServiceFront front;

    Endpoints(Timeline timeline, ScheduledExecutorService scheduler, LocalSettings settings, Random random) {
        this.timeline = timeline;
        this.scheduler = scheduler;
        this.settings = settings;
        this.random = random;
    }

    EndpointTable table() {
        return table;
    }

    /** The front that routes to the ready endpoints, once it is open. */
    void serve(ServiceFront front) {
        this.front = front;
    }

    boolean isReady(String pod) {
        return table.isReady(pod);
    }

    /** The configured propagation delay with its jitter, drawn from the run's seeded random. */
    long propagationDelay() {
        long jitter = settings.endpointJitterMs();
        synchronized (random) {
            return Math.max(0, settings.endpointDelayMs() + (jitter == 0 ? 0 : random.nextLong(-jitter, jitter + 1)));
        }
    }

    /**
     * A pod's readiness, published after the propagation delay: a pod that became ready but is terminating by then
     * stays out. {@code cause} is read when it is published (the cause of a termination begun meanwhile).
     */
    void readinessChanged(LocalPod pod, int targetPort, boolean ready, Supplier<String> cause) {
        EndpointTable.Backend b = new EndpointTable.Backend(pod.name, pod.ip, targetPort);
        scheduler.schedule(() -> {
            if (ready && pod.isTerminating()) {
                return;
            }
            if (!ready && !pod.isTerminating() && table.isReady(pod.name)) {
                timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.ENDPOINT_NOT_READY, pod.name,
                        cause.get(), "readiness failing"));
            }
            if (ready && !table.isReady(pod.name) && !pod.replaces.isEmpty()) {
                timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.ENDPOINT_READY, pod.name, pod.cause,
                        "endpoint ready: new connections come here"));
            }
            publish(b, ready);
        }, propagationDelay(), TimeUnit.MILLISECONDS);
    }

    /** A pod marked for deletion: its endpoint turns terminating (no new connections) after the propagation delay. */
    void terminating(String name, String ip, String cause) {
        long propagation = propagationDelay();
        scheduler.schedule(() -> {
            if (publish(new EndpointTable.Backend(name, ip, 0), false)) {
                timeline.add(new TimelineEvent(System.currentTimeMillis(), EventType.ENDPOINT_TERMINATING, name, cause,
                        "endpoint ready=false, terminating=true: no new connections",
                        Map.of(Attribute.PLANNED_PROPAGATION_MS, String.valueOf(propagation))));
            }
        }, propagation, TimeUnit.MILLISECONDS);
    }

    /** The pod object is gone with its container; the proxies learn of it after the propagation delay. */
    void removed(String pod, String cause) {
        scheduler.schedule(() -> timeline.add(TimelineEvent.of(System.currentTimeMillis(),
                EventType.ENDPOINT_REMOVED, pod, cause, "pod object deleted")), propagationDelay(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * One endpoint change, published to the Service front in the order the changes are made: two changes that each
     * read the table and then apply it out of order would lose one (a ready pod never in rotation, or a dead one
     * back in). Returns whether the endpoint changed.
     */
    private boolean publish(EndpointTable.Backend b, boolean ready) {
        synchronized (table) {
            if (table.isReady(b.pod()) == ready) {
                return false;
            }
            table.setReady(b, ready);
            front.apply(table.readyBackends());
            return true;
        }
    }

    /** Every live pod in rotation, and no endpoint of a gone pod left: counted once the Service front has it. */
    boolean settled(List<PodInfo> live) {
        synchronized (table) {
            return live.stream().allMatch(p -> table.isReady(p.name())) && table.readyBackends().size() == live.size();
        }
    }

    /** What the Service mechanism routes new connections to now, {@code ip:port} sorted (diagnostics, tests). */
    List<String> routed() {
        List<String> out = new ArrayList<>(front.routed());
        out.sort(null);
        return out;
    }

    /** The endpoints that are ready now, {@code ip:port} sorted: what {@link #routed()} must equal once settled. */
    List<String> readyEndpoints() {
        synchronized (table) {
            return table.readyBackends().stream().map(EndpointTable.Backend::address).sorted().toList();
        }
    }
}
