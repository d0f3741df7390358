package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;

/**
 * The watch on the namespace's Events: what the kubelet and the controllers say of the run's pods (probe failures,
 * a failed preStop hook, kills), each about the pod of that name and uid; Events of the initial list are history.
 */
final class EventWatch implements ResourceEventHandler<Event> {
    private final Timeline timeline;
    private final PodsSeen seen;

    EventWatch(Timeline timeline, PodsSeen seen) {
        this.timeline = timeline;
        this.seen = seen;
    }

    @Override
    public void onAdd(Event e) {
        note(e);
    }

    @Override
    public void onUpdate(Event before, Event after) {
        note(after);
    }

    @Override
    public void onDelete(Event e, boolean finalStateUnknown) {
    }

    private void note(Event e) {
        if (!seen.synced) {
            return;
        }
        // an Event names its pod and that pod's uid: about which pod of that name it is
        String pod = e.getInvolvedObject() == null || !"Pod".equals(e.getInvolvedObject().getKind()) ? null
                : seen.incarnations.knownKey(e.getInvolvedObject().getName(), e.getInvolvedObject().getUid());
        TimelineEvent t = pod == null || !seen.firstSeen.containsKey(pod) ? null
                : EventTranslator.event(e, System.currentTimeMillis(), pod, seen.causeByPod);
        if (t != null) {
            timeline.add(t);
            if ("FailedPreStopHook".equals(e.getReason()) && seen.markedAt.containsKey(t.pod())) {
                timeline.addAll(KubeletInference.onFailedPreStopHook(t.pod(), t.atMs(), t.disruption()));
            }
        }
    }
}
