package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.time.Instant;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The EndpointSlices of one Service. Every Service's informer delivers on its own thread, and all of them fold
 * into one view: each change is stamped and folded under one lock, so that the events land in the order of their
 * stamps and a pod behind two Services changes once. A relist (the watch expired) is a gap in what was seen.
 */
final class SliceWatch implements ResourceEventHandler<EndpointSlice> {
    private final Timeline timeline;
    private final PodsSeen seen;
    private final EventTranslator slices;
    private final String service;

    /** {@code slices}: the one view every Service's watch folds into (its lock orders them). */
    SliceWatch(Timeline timeline, PodsSeen seen, EventTranslator slices, String service) {
        this.timeline = timeline;
        this.seen = seen;
        this.slices = slices;
        this.service = service;
    }

    @Override
    public void onAdd(EndpointSlice s) {
        fold(now -> slices.slice(s, now, seen.causeByPod));
    }

    @Override
    public void onUpdate(EndpointSlice before, EndpointSlice after) {
        fold(now -> slices.slice(after, now, seen.causeByPod));
    }

    @Override
    public void onDelete(EndpointSlice s, boolean finalStateUnknown) {
        fold(now -> slices.sliceDeleted(s.getMetadata().getName(), now, seen.causeByPod));
    }

    @Override
    public void onBeforeList(String resourceVersion) {
        if (resourceVersion != null) {
            long now = System.currentTimeMillis();
            seen.watchGaps.add("EndpointSlice watch of Service " + service + " relisted at " + Instant.ofEpochMilli(
                    now) + " (after resourceVersion " + resourceVersion + "): endpoint transitions in between"
                    + " may be missing, and those seen after it are stamped when the relist delivered them");
            timeline.add(TimelineEvent.global(now, EventType.NOTE, "EndpointSlice watch of Service " + service
                    + " expired and relisted"));
        }
    }

    private void fold(LongFunction<List<TimelineEvent>> change) {
        synchronized (slices) {
            timeline.addAll(change.apply(System.currentTimeMillis()));
        }
    }
}
