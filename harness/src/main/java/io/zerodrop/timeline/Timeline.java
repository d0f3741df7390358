package io.zerodrop.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The run's events, appended by any thread (observers, disruptions, the traffic runner); read sorted by time. */
public final class Timeline {
    private final List<TimelineEvent> events = new ArrayList<>();

    public synchronized void add(TimelineEvent e) {
        events.add(e);
    }

    /** A snapshot sorted by time (stable for equal times, so insertion order breaks ties). */
    public synchronized List<TimelineEvent> events() {
        List<TimelineEvent> copy = new ArrayList<>(events);
        copy.sort(Comparator.comparingLong(TimelineEvent::atMs));
        return copy;
    }

    public List<TimelineEvent> ofType(EventType type) {
        return events().stream().filter(e -> e.type() == type).toList();
    }

    public Optional<TimelineEvent> first(EventType type) {
        return events().stream().filter(e -> e.type() == type).findFirst();
    }

    public List<TimelineEvent> forPod(String pod) {
        return events().stream().filter(e -> e.pod().equals(pod)).toList();
    }

    /** Adds several events, in order. */
    public void addAll(java.util.List<TimelineEvent> events) {
        events.forEach(this::add);
    }
}
