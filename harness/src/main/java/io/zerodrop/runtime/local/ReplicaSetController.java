package io.zerodrop.runtime.local;

import io.zerodrop.core.IntOrPercent;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.PodInfo;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ReplicaSet and Deployment controllers' part on this host: the desired replica count, each pod's template hash,
 * scaling (newest pods first when down), and the rolling update of a rollout restart within maxSurge and
 * maxUnavailable. It acts on pods only through {@link Pods}, which the runtime (the kubelet's side) gives it.
 */
final class ReplicaSetController {
    /** What the controller acts through. */
    interface Pods {
        /** Creates a pod ({@code replaces}: the pod it replaces, or ""). */
        void create(String cause, String replaces);

        /** Deletes a pod with its own grace period; nothing replaces it. */
        void delete(String pod, String cause);

        /** The live pods, oldest first. */
        List<PodInfo> live();

        /** The pods not terminating, oldest first. */
        List<LocalPod> running();

        /** Whether the pod's endpoint is ready in the Service's view. */
        boolean inRotation(String pod);

        /** Whether the run is tearing down (a rollout then stops). */
        boolean tearingDown();
    }

    private final Timeline timeline;
    private final Pods pods;
    private final AtomicInteger desired = new AtomicInteger();
    private final Map<String, String> podHash = new ConcurrentHashMap<>();
    private volatile String templateHash;
    private volatile Thread rollout;
    private Workload workload;

    ReplicaSetController(Timeline timeline, Pods pods) {
        this.timeline = timeline;
        this.pods = pods;
    }

    /** The workload's replicas desired and its first template hash. */
    void start(Workload w) {
        this.workload = w;
        desired.set(w.replicas());
        templateHash = Integer.toHexString((w.name() + w.image() + w.env()).hashCode() & 0xfffffff);
    }

    int desired() {
        return desired.get();
    }

    /** The template hash new pods get now. */
    String templateHash() {
        return templateHash;
    }

    /** Records the template hash pod {@code name} was created with. */
    void stamp(String name, String hash) {
        podHash.put(name, hash);
    }

    /** Whether a rolling update is still going on. */
    boolean rolling() {
        Thread r = rollout;
        return r != null && r.isAlive();
    }

    /** Scales to {@code replicas}: new pods, or the newest deleted with no replacement. */
    void scale(int replicas, String cause) {
        if (replicas < 0 || replicas > 50) {
            throw ZerodropException.usage("scale to " + replicas + " is invalid: expected 0 to 50 replicas");
        }
        int before = desired.getAndSet(replicas);
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.ROLLOUT_PROGRESS, "", cause,
                "scaled from " + before + " to " + replicas + " replicas"));
        List<PodInfo> live = pods.live();
        for (int i = live.size(); i < replicas; i++) {
            pods.create(cause, "");
        }
        for (int i = live.size() - 1; i >= replicas; i--) {
            pods.delete(live.get(i).name(), cause); // newest first, as a ReplicaSet scales down
        }
    }

    /**
     * A rollout restart: a new template hash, then the rolling update on its own thread as maxSurge and
     * maxUnavailable allow.
     */
    void rolloutRestart(String cause) {
        if (rollout != null && rollout.isAlive()) {
            throw ZerodropException.usage("a rollout is already in progress");
        }
        String oldHash = templateHash;
        templateHash = Integer.toHexString((oldHash + System.nanoTime()).hashCode() & 0xfffffff);
        int replicas = desired.get();
        int surge = IntOrPercent.roundedUp(workload.maxSurge(), replicas); // maxSurge rounds up
        int unavailable = IntOrPercent.roundedDown(workload.maxUnavailable(), replicas); // maxUnavailable rounds down
        if (surge == 0 && unavailable == 0) {
            surge = 1;
        }
        int maxSurge = surge;
        int maxUnavailable = unavailable;
        timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.ROLLOUT_PROGRESS, "", cause,
                "rollout restart: maxSurge " + maxSurge + ", maxUnavailable " + maxUnavailable));
        rollout = new Thread(() -> roll(oldHash, replicas, maxSurge, maxUnavailable, cause), "rollout");
        rollout.setDaemon(true);
        rollout.start();
    }

    /** The Deployment controller's rolling update, one step every 100 ms until no old pod is left. */
    private void roll(String oldHash, int replicas, int maxSurge, int maxUnavailable, String cause) {
        long deadline = System.currentTimeMillis() + 300_000;
        while (!pods.tearingDown() && System.currentTimeMillis() < deadline) {
            List<LocalPod> live = pods.running();
            List<LocalPod> old = live.stream().filter(p -> oldHash.equals(podHash.get(p.name))).toList();
            List<LocalPod> fresh = live.stream().filter(p -> !oldHash.equals(podHash.get(p.name))).toList();
            if (old.isEmpty()) {
                timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.ROLLOUT_COMPLETE, "", cause,
                        "rollout complete: " + fresh.size() + " new pods"));
                return;
            }
            int create = Math.min(replicas + maxSurge - live.size(), replicas - fresh.size());
            for (int i = 0; i < create; i++) {
                pods.create(cause, old.get(Math.min(i, old.size() - 1)).name);
            }
            long available = live.stream().filter(p -> p.isReady() && pods.inRotation(p.name)).count();
            int minAvailable = replicas - maxUnavailable;
            List<LocalPod> victims = new ArrayList<>(old.stream().filter(p -> !p.isReady()).toList());
            victims.addAll(old.stream().filter(LocalPod::isReady).toList());
            for (LocalPod p : victims) {
                boolean counted = p.isReady() && pods.inRotation(p.name);
                if (counted && available - 1 < minAvailable) {
                    break;
                }
                pods.delete(p.name, cause);
                timeline.add(TimelineEvent.of(System.currentTimeMillis(), EventType.ROLLOUT_PROGRESS, p.name, cause,
                        "old pod scaled down; " + (fresh.size() + create) + " new of " + replicas));
                if (counted) {
                    available--;
                }
                live = live.stream().filter(x -> x != p).toList();
            }
            Sleep.forMs(100);
        }
    }
}
