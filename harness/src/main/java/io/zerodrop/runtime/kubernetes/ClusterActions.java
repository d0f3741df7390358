package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Eviction;
import io.zerodrop.runtime.PodInfo;
import io.zerodrop.runtime.Runtime.BudgetStatus;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * What the disruptions do to the workload on a cluster — delete, evict, rollout restart, scale, cordon — through
 * {@link ApiCalls}. Only a live pod of the target workload can be deleted or evicted; the cause of each is put on
 * the pod for the timeline; every change that must be put back has its undo registered (and recorded in the
 * cluster, for a run that is killed) before it is made, and pushed on the runtime's undo list.
 */
final class ClusterActions {
    private final Cluster cluster;
    private final ApiCalls api;
    private final PodsSeen seen;
    private final DeploymentWatch deployment;
    private final Timeline timeline;
    private final Undo undo;
    private final Deque<Undo.Registration> undos;
    private final Supplier<ClusterTarget> target;
    private final Supplier<List<PodInfo>> pods;
    private final Supplier<RunRecords> records;
    /** The nodes this run cordoned, with their uncordon: only these are ever uncordoned. */
    private final Map<String, Undo.Registration> cordonedHere = new ConcurrentHashMap<>();
    private final AtomicBoolean scaleUndoRegistered = new AtomicBoolean();

    /**
     * {@code target} and {@code pods} as the runtime has them at the moment of the call; {@code records} opens the
     * run's records in the cluster on first use.
     */
    ClusterActions(Cluster cluster, ApiCalls api, PodsSeen seen, DeploymentWatch deployment, Timeline timeline,
            Undo undo, Deque<Undo.Registration> undos, Supplier<ClusterTarget> target, Supplier<List<PodInfo>> pods,
            Supplier<RunRecords> records) {
        this.cluster = cluster;
        this.api = api;
        this.seen = seen;
        this.deployment = deployment;
        this.timeline = timeline;
        this.undo = undo;
        this.undos = undos;
        this.target = target;
        this.pods = pods;
        this.records = records;
    }

    /** Deletes a pod of the workload; grace 0 is zerodrop's own kill, known as such to the findings. */
    void deletePod(String pod, Long graceSeconds, String cause) {
        requireOwnPod(pod);
        seen.causeByPod.put(seen.incarnations.current(pod), cause);
        if (graceSeconds != null && graceSeconds == 0) {
            seen.killed.add(seen.incarnations.current(pod));
        }
        api.delete(pod, graceSeconds);
    }

    /** One call to the Eviction API for a pod of the workload: the budget decides. */
    Eviction evict(String pod, String cause) {
        requireOwnPod(pod);
        seen.causeByPod.put(seen.incarnations.current(pod), cause);
        return api.evict(pod);
    }

    /** The status of the workload's first PodDisruptionBudget, as the disruption controller last wrote it. */
    Optional<BudgetStatus> budget() {
        if (target.get().budgets().isEmpty()) {
            return Optional.empty();
        }
        PodDisruptionBudget b = cluster.client().policy().v1().podDisruptionBudget().inNamespace(cluster.namespace())
                .withName(target.get().budgets().get(0)).get();
        if (b == null || b.getStatus() == null) {
            return Optional.empty();
        }
        return Optional.of(new BudgetStatus(b.getMetadata().getName(), n(b.getStatus().getDisruptionsAllowed()),
                n(b.getStatus().getCurrentHealthy()), n(b.getStatus().getDesiredHealthy()),
                n(b.getStatus().getExpectedPods())));
    }

    /** {@code kubectl rollout restart}: the template's restartedAt annotation patched. */
    void rolloutRestart(String cause) {
        requireDeployment("rollout-restart");
        pods.get().forEach(p -> seen.causeByPod.put(seen.incarnations.current(p.name()), cause));
        deployment.rolloutStarted(cause);
        api.rolloutRestart(target.get().name());
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.ROLLOUT_PROGRESS, "", cause,
                "rollout restart: kubectl.kubernetes.io/restartedAt patched"));
    }

    /** Scales the Deployment; the first scale registers (and records in the cluster) the scale back. */
    void scale(int replicas, String cause) {
        requireDeployment("scale");
        int original = target.get().replicas();
        pods.get().forEach(p -> seen.causeByPod.putIfAbsent(seen.incarnations.current(p.name()), cause));
        deployment.scaling(cause);
        // the restore is registered and recorded once, with the first change; it sets the count back, so the
        // step's own scale back is harmless
        if (scaleUndoRegistered.compareAndSet(false, true)) {
            undos.push(api.scaleRecorded(target.get().name(), original, replicas, records.get(), undo));
        } else {
            api.scale(target.get().name(), replicas);
        }
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.ROLLOUT_PROGRESS, "", cause,
                "scaled to " + replicas + " replicas"));
    }

    /**
     * Cordons a node unless someone else already had (its uncordon registered first), or uncordons one this run
     * cordoned; a node this run did not cordon is left as it was.
     */
    boolean cordon(String node, boolean unschedulable, String cause) {
        if (unschedulable) {
            Optional<Undo.Registration> cordoned = api.cordonUnlessCordoned(node, undo, records.get());
            cordoned.ifPresent(r -> {
                undos.push(r);
                cordonedHere.put(node, r);
            });
            timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, "", cause, cordoned.isPresent()
                    ? "cordoned " + node : node + " was already cordoned (not by this run): left as it was"));
            return cordoned.isPresent();
        }
        Undo.Registration mine = cordonedHere.remove(node);
        if (mine == null) {
            timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, "", cause, node + " was not"
                    + " cordoned by this run: left as it was"));
            return false;
        }
        mine.undoNow(); // the uncordon registered when this run cordoned it, run once
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.NOTE, "", cause, "uncordoned " + node));
        return true;
    }

    /** Only a live pod of the target workload may be disrupted. */
    private void requireOwnPod(String pod) {
        if (pods.get().stream().noneMatch(p -> p.name().equals(pod))) {
            throw ZerodropException.usage("pod \"" + pod + "\" is not a live pod of " + target.get().kind() + " "
                    + target.get().name() + ": zerodrop only ever disrupts the target workload's own pods");
        }
    }

    private void requireDeployment(String what) {
        if (!target.get().deployment()) {
            throw ZerodropException.usage(what + " on the Kubernetes runtime supports Deployments; the target is a "
                    + target.get().kind());
        }
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }
}
