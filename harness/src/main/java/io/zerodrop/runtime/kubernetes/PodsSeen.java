package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.zerodrop.ledger.LedgerSnapshot;
import io.zerodrop.timeline.PodIncarnations;
import io.zerodrop.timeline.TimelineEvent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the watches have seen of the run's pods, shared by the watches that write it ({@link PodWatch},
 * {@link SliceWatch}, {@link EventWatch}) and the runtime that reads it and says which disruption caused what.
 */
final class PodsSeen {
    /** The disruption that caused each pod's story (the step that deleted it, or whose replacement it is). */
    final Map<String, String> causeByPod = new ConcurrentHashMap<>();
    /** When each pod was first seen: 0 for a pod listed at attach (not a replacement). */
    final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    /** When zerodrop saw each pod's deletion (its deletionTimestamp appear, or a grace-0 removal). */
    final Map<String, Long> markedAt = new ConcurrentHashMap<>();
    /** Deleted pod → the pod created after it that is taken as its replacement. */
    final Map<String, String> replacedBy = new ConcurrentHashMap<>();
    /** Pods zerodrop deleted with grace period 0. */
    final Set<String> killed = ConcurrentHashMap.newKeySet();
    /** Pods whose container end this run saw in containerStatuses. */
    final Set<String> exited = ConcurrentHashMap.newKeySet();
    /** Pods by uid: a StatefulSet's recreated pod is a pod of its own in the timeline ({@code web-0#2}). */
    final PodIncarnations incarnations = new PodIncarnations();
    /** What the watches missed (a relist, a deletion seen only at one), for the report. */
    final List<String> watchGaps = new CopyOnWriteArrayList<>();
    /** The counts each pod's termination message carried, by pod. */
    final Map<String, LedgerSnapshot> lastWords = new ConcurrentHashMap<>();
    /** Why a pod's counts are not in the ground truth. */
    final List<String> truthNotes = new CopyOnWriteArrayList<>();
    /** Set once the pod watch has made its first list: pods added after it may be replacements. */
    volatile boolean listed;
    /** Set once the watches have synced: what the initial lists deliver is history, not part of the run. */
    volatile boolean synced;

    /** The pod's name in the timeline: its own name, or {@code name#2}… for a later pod of a reused name. */
    String key(Pod p) {
        return incarnations.key(p.getMetadata().getName(), p.getMetadata().getUid());
    }

    /** {@code events} about pod {@code key} (translated from the pod object, they carry its Kubernetes name). */
    static List<TimelineEvent> named(List<TimelineEvent> events, String key) {
        return events.stream().map(e -> e.pod().isEmpty() ? e : e.withPod(key)).toList();
    }

    /** Whether {@code pod} was created during the run (not listed at attach). */
    boolean isReplacement(String pod) {
        Long seen = firstSeen.get(pod);
        return seen != null && seen > 0;
    }
}
