package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The watcher of the Deployment under test: its controller's replica counts, as they change, become the timeline's
 * rollout progress (pods beyond the desired count, desired replicas not available — what maxSurge and
 * maxUnavailable bound), the worst of each is kept for the report, and a rollout zerodrop started is complete when
 * the status says so. The step that caused a change is told to it ({@link #rolloutStarted}, {@link #scaling}).
 */
final class DeploymentWatch implements ResourceEventHandler<Deployment> {
    private final Timeline timeline;
    /** The step of the rollout under way (null: none), completed when the Deployment's status says so. */
    private volatile String rolloutCause;
    /** The scale step under way, for the replica counts it causes. */
    private volatile String scaleCause;
    /** The most pods beyond the desired count, and the most desired replicas unavailable, seen during the run. */
    private final AtomicInteger maxSurge = new AtomicInteger();
    private final AtomicInteger maxUnavailable = new AtomicInteger();

    DeploymentWatch(Timeline timeline) {
        this.timeline = timeline;
    }

    void rolloutStarted(String cause) {
        rolloutCause = cause;
    }

    void scaling(String cause) {
        scaleCause = cause;
    }

    int maxSurge() {
        return maxSurge.get();
    }

    int maxUnavailable() {
        return maxUnavailable.get();
    }

    @Override
    public void onAdd(Deployment d) {
    }

    @Override
    public void onUpdate(Deployment before, Deployment after) {
        String cause = rolloutCause;
        TimelineEvent progress = rolloutProgress(before, after, System.currentTimeMillis(),
                cause != null ? cause : scaleCause);
        if (progress != null) {
            timeline.add(progress);
            maxSurge.accumulateAndGet(Integer.parseInt(progress.attribute(Attribute.SURGE)), Math::max);
            maxUnavailable.accumulateAndGet(Integer.parseInt(progress.attribute(Attribute.UNAVAILABLE)), Math::max);
        }
        if (cause != null && rolloutComplete(after)) {
            rolloutCause = null;
            timeline.add(new TimelineEvent(System.currentTimeMillis(), EventType.ROLLOUT_COMPLETE, "", cause,
                    "rollout complete: " + n(after.getStatus().getUpdatedReplicas()) + " updated replicas"
                            + " available (Deployment status, generation " + after.getMetadata().getGeneration()
                            + ")", Map.of(Attribute.OBSERVED_GENERATION, String.valueOf(after.getStatus()
                            .getObservedGeneration()))));
        }
    }

    @Override
    public void onDelete(Deployment d, boolean finalStateUnknown) {
    }

    /**
     * The Deployment's replica counts as its controller reports them, when they changed: pods beyond the desired
     * count (surge) and desired replicas not available (unavailable) are what maxSurge and maxUnavailable bound.
     */
    static TimelineEvent rolloutProgress(Deployment before, Deployment after, long atMs, String cause) {
        String now = counts(after);
        if (now == null || now.equals(counts(before))) {
            return null;
        }
        var s = after.getStatus();
        int desired = after.getSpec().getReplicas() == null ? 1 : after.getSpec().getReplicas();
        int surge = Math.max(0, n(s.getReplicas()) - desired);
        int unavailable = Math.max(0, desired - n(s.getAvailableReplicas()));
        return new TimelineEvent(atMs, EventType.ROLLOUT_PROGRESS, "", cause == null ? "" : cause, "Deployment "
                + after.getMetadata().getName() + ": " + n(s.getReplicas()) + " pods for " + desired + " desired"
                + " (surge " + surge + "), " + n(s.getUpdatedReplicas()) + " updated, " + n(s.getReadyReplicas())
                + " ready, " + n(s.getAvailableReplicas()) + " available (unavailable " + unavailable + ")",
                Map.of(Attribute.SURGE, String.valueOf(surge), Attribute.UNAVAILABLE, String.valueOf(unavailable),
                        Attribute.UPDATED, String.valueOf(n(s.getUpdatedReplicas())),
                        Attribute.AVAILABLE, String.valueOf(n(s.getAvailableReplicas()))));
    }

    private static String counts(Deployment d) {
        if (d == null || d.getStatus() == null) {
            return null;
        }
        var s = d.getStatus();
        return d.getSpec().getReplicas() + "/" + s.getReplicas() + "/" + s.getUpdatedReplicas() + "/"
                + s.getReadyReplicas() + "/" + s.getAvailableReplicas();
    }

    /** A rollout is complete when the controller has seen the change and every replica is updated and available. */
    static boolean rolloutComplete(Deployment d) {
        var s = d.getStatus();
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        return s != null && s.getObservedGeneration() != null && d.getMetadata().getGeneration() != null
                && s.getObservedGeneration() >= d.getMetadata().getGeneration()
                && n(s.getUpdatedReplicas()) == replicas && n(s.getReplicas()) == replicas
                && n(s.getAvailableReplicas()) == replicas;
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }
}
