package io.zerodrop.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run's events, appended by any thread (observers, disruptions, the traffic runner); read sorted by time.
 *
 * <p>Bounded: past {@link #CAP} events of one type for one pod (an eviction refused every 100 ms for an hour), the
 * rest are counted, not listed — one event stands for them, the last of them, with its attribute
 * {@link Attribute#REPRESENTS} saying how many it stands for. Counts read from the timeline add that number.
 */
public final class Timeline {
    /** The most events of one type for one pod that are listed one by one. */
    public static final int CAP = 500;
    /** On the event that stands for those past the cap: how many events it stands for. */

    private record Key(EventType type, String pod) {
    }

    private final List<TimelineEvent> events = new ArrayList<>();
    private final Map<Key, Integer> listed = new HashMap<>();
    private final Map<Key, Long> unlistedCount = new LinkedHashMap<>();
    private final Map<Key, TimelineEvent> unlistedLast = new HashMap<>();
    private final RunClock clock;

    /** A timeline on the host's clock. */
    public Timeline() {
        this(RunClock.SYSTEM);
    }

    /** A timeline whose events are stamped, and whose waits are timed, by {@code clock}. */
    public Timeline(RunClock clock) {
        this.clock = clock;
    }

    /** The run's one clock: what stamps this timeline's events and times the waits for them. */
    public RunClock clock() {
        return clock;
    }

    /** Now on the run's clock, epoch milliseconds. */
    public long nowMs() {
        return clock.nowMs();
    }

    public synchronized void add(TimelineEvent e) {
        Key k = new Key(e.type(), e.pod());
        if (listed.merge(k, 1, Integer::sum) <= CAP) {
            events.add(e);
            return;
        }
        unlistedCount.merge(k, 1L, Long::sum);
        unlistedLast.put(k, e);
    }

    /** A snapshot sorted by time (stable for equal times, so insertion order breaks ties). */
    public synchronized List<TimelineEvent> events() {
        List<TimelineEvent> copy = new ArrayList<>(events);
        unlistedCount.forEach((k, n) -> {
            TimelineEvent last = unlistedLast.get(k);
            Map<Attribute, String> attrs = new EnumMap<>(Attribute.class);
            attrs.putAll(last.attributes());
            attrs.put(Attribute.REPRESENTS, String.valueOf(n));
            copy.add(new TimelineEvent(last.atMs(), last.type(), last.pod(), last.disruption(), "(" + n + " more "
                    + k.type() + " event(s)" + (k.pod().isEmpty() ? "" : " of " + k.pod()) + " past the first " + CAP
                    + " are counted, not listed; the last:) " + last.detail(), attrs));
        });
        copy.sort(Comparator.comparingLong(TimelineEvent::atMs));
        return copy;
    }

    /** How many events {@code e} stands for: 1, or the count of those past the cap it represents. */
    public static long count(TimelineEvent e) {
        String n = e.attribute(Attribute.REPRESENTS);
        return n == null ? 1 : Long.parseLong(n);
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
    public void addAll(List<TimelineEvent> events) {
        events.forEach(this::add);
    }
}
