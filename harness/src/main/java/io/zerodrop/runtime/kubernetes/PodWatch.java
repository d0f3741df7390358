package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.zerodrop.ledger.LedgerSnapshot;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.PodIncarnations;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The watch on the workload's pods, as the kubelet and the controllers change them: each pod's story on the timeline
 * (created, taken as a replacement, marked for deletion, its containers' ends, removed), what the kubelet is inferred
 * to have done where the API cannot show it ({@link KubeletInference}), the termination messages' counts, and every
 * gap in what was seen (a relist, a deletion seen only at one).
 */
final class PodWatch implements ResourceEventHandler<Pod> {
    private final Timeline timeline;
    private final PodsSeen seen;

    PodWatch(Timeline timeline, PodsSeen seen) {
        this.timeline = timeline;
        this.seen = seen;
    }

    @Override
    public void onAdd(Pod p) {
        long now = System.currentTimeMillis();
        String n = seen.key(p);
        // a pod listed at attach is not a replacement (0): its Ready is not a replacement's
        if (seen.firstSeen.putIfAbsent(n, seen.synced ? now : 0L) == null && seen.listed) {
            // a StatefulSet's new pod of a deleted pod's name replaces that pod; otherwise the controller
            // does not say which pod a new one replaces: it is taken to replace the earliest deleted pod that
            // has none yet, and the event says so
            String namesake = PodIncarnations.previous(n);
            boolean ofName = namesake != null && seen.markedAt.containsKey(namesake)
                    && !seen.replacedBy.containsKey(namesake);
            String replaced = ofName ? namesake : seen.markedAt.entrySet().stream()
                    .filter(x -> !seen.replacedBy.containsKey(x.getKey())).min(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey).orElse(null);
            String again = namesake == null ? "" : " under the name of " + namesake + " (a pod of its own, uid "
                    + p.getMetadata().getUid() + ")";
            if (replaced != null) {
                seen.replacedBy.put(replaced, n);
                String cause = seen.causeByPod.getOrDefault(replaced, "");
                seen.causeByPod.putIfAbsent(n, cause);
                timeline.add(new TimelineEvent(now, EventType.REPLACEMENT_STARTED, n, cause, "pod created"
                        + again + (ofName ? ", the replacement of the deleted pod of its name"
                        : " (taken as the replacement of " + replaced + ", the earliest deleted pod without"
                        + " one)"), Map.of(Attribute.REPLACES, replaced)));
            } else {
                timeline.add(TimelineEvent.of(now, EventType.REPLACEMENT_STARTED, n, "", "pod created"
                        + again));
            }
        }
        List<TimelineEvent> events = PodsSeen.named(EventTranslator.pod(null, p, now, seen.causeByPod.getOrDefault(n, "")),
                n);
        if (!seen.synced) {
            // a pod found at attach: its containers' earlier exits (an old OOM kill, a liveness restart) are
            // its history, not exits of this run; they are said as such and kept out of the analysis
            events.stream().filter(e -> e.type() == EventType.CONTAINER_EXITED).forEach(e -> timeline.add(
                    new TimelineEvent(now, EventType.NOTE, n, "", "restart history before this run: "
                            + e.detail().replace(", seen in containerStatuses", "") + " (container "
                            + e.attribute(Attribute.CONTAINER) + ", node time "
                            + e.attribute(Attribute.NODE_FINISHED_AT, "unknown") + "); not an exit of this run",
                            Map.of(Attribute.HISTORY, "true"))));
            events = events.stream().filter(e -> e.type() != EventType.CONTAINER_EXITED).toList();
        }
        timeline.addAll(events.stream()
                .filter(e -> e.type() != EventType.REPLACEMENT_READY || seen.isReplacement(n)).toList());
    }

    @Override
    public void onUpdate(Pod before, Pod after) {
        String n = seen.key(after);
        String cause = seen.causeByPod.getOrDefault(n, "");
        List<TimelineEvent> events = PodsSeen.named(EventTranslator.pod(before, after, System.currentTimeMillis(),
                cause), n);
        timeline.addAll(events.stream()
                .filter(e -> e.type() != EventType.REPLACEMENT_READY || seen.isReplacement(n)).toList());
        for (TimelineEvent e : events) {
            if (e.type() == EventType.POD_MARKED_FOR_DELETION) {
                seen.markedAt.put(n, e.atMs());
                timeline.addAll(PodsSeen.named(KubeletInference.onDeletion(after, e.atMs(), cause), n));
            } else if (e.type() == EventType.CONTAINER_EXITED) {
                seen.exited.add(n);
                KubeletInference.onExit(after, seen.markedAt.getOrDefault(n, -1L), Integer.parseInt(
                        e.attribute(Attribute.EXIT_CODE)), e.atMs(), cause).map(x -> x.withPod(n))
                        .ifPresent(timeline::add);
            }
        }
        events.stream().filter(e -> e.type() == EventType.CONTAINER_EXITED).forEach(e ->
                LedgerSnapshot.fromTerminationMessage(n,
                        e.attribute(Attribute.TERMINATION_MESSAGE), e.atMs()).ifPresent(s -> seen.lastWords.put(n, s)));
    }

    @Override
    public void onDelete(Pod p, boolean finalStateUnknown) {
        String n = seen.key(p);
        long now = System.currentTimeMillis();
        timeline.add(new TimelineEvent(now, EventType.NOTE, n, seen.causeByPod.getOrDefault(n, ""),
                "pod object removed" + (finalStateUnknown ? " (seen only at a relist: its last transitions"
                        + " may be missing)" : ""), Map.of(Attribute.POD_DELETED, "true")));
        if (finalStateUnknown) {
            seen.watchGaps.add("pod " + n + " was deleted while the watch was down");
        }
        String cause = seen.causeByPod.getOrDefault(n, "");
        if (!finalStateUnknown && !seen.markedAt.containsKey(n) && !cause.isEmpty()) {
            // removed without a Terminating state ever seen: a grace-0 deletion does that, and so does the
            // deletion of a pod no kubelet runs
            seen.markedAt.put(n, now);
            boolean kill = seen.killed.contains(n);
            timeline.add(new TimelineEvent(now, EventType.POD_MARKED_FOR_DELETION, n, cause,
                    "pod object removed at once, no Terminating state seen" + (kill ? " (grace period 0)" : ""),
                    kill ? Map.of(Attribute.GRACE_SECONDS, "0") : Map.of()));
            if (kill) {
                timeline.add(new TimelineEvent(now, EventType.SIGTERM_SENT, n, cause, "SIGTERM (inferred: not"
                        + " visible through the API)", Map.of(Attribute.INFERRED, KubeletInference.GRACE_ZERO)));
            }
        }
        if (!finalStateUnknown && !cause.isEmpty() && !seen.exited.contains(n)) {
            // a grace-0 deletion removes the object at once: the kubelet's report of the container's end,
            // and target-app's termination message with its counts, never reach the API
            timeline.add(new TimelineEvent(now, EventType.NOTE, n, cause, "no exit code reached the API: the"
                    + " pod object was removed before the kubelet reported its container's end, so whether it"
                    + " exited on SIGTERM or was SIGKILLed is not known", Map.of(Attribute.EXIT_UNKNOWN, "true")));
            seen.truthNotes.add("pod " + n + " was removed before its container's end (and its counts) reached"
                    + " the API");
        }
    }

    @Override
    public void onBeforeList(String resourceVersion) {
        if (resourceVersion != null) {
            long now = System.currentTimeMillis();
            seen.watchGaps.add("pod watch relisted at " + Instant.ofEpochMilli(now) + " (after resourceVersion "
                    + resourceVersion + "): transitions in between may be missing");
            timeline.add(TimelineEvent.global(now, EventType.NOTE, "pod watch expired and relisted"));
        }
    }
}
