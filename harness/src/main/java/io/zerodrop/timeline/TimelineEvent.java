package io.zerodrop.timeline;

import java.util.Map;
import java.util.Objects;

/**
 * One thing that happened, at {@code atMs} epoch milliseconds on the host clock zerodrop runs on (the one clock
 * every correlated timestamp uses). {@code pod} is empty when the event concerns no single pod;
 * {@code disruption} names the disruption step that caused it, empty when none did.
 */
public record TimelineEvent(long atMs, EventType type, String pod, String disruption, String detail,
        Map<String, String> attributes) {

    public TimelineEvent {
        Objects.requireNonNull(type, "type");
        pod = pod == null ? "" : pod;
        disruption = disruption == null ? "" : disruption;
        detail = detail == null ? "" : detail;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (atMs <= 0) {
            throw new IllegalArgumentException("event " + type + " has no time (atMs=" + atMs + ")");
        }
    }

    /** This event about {@code pod} instead (a later pod of the same name, see {@link PodIncarnations}). */
    public TimelineEvent withPod(String pod) {
        return pod.equals(this.pod) ? this : new TimelineEvent(atMs, type, pod, disruption, detail, attributes);
    }

    public static TimelineEvent of(long atMs, EventType type, String pod, String disruption, String detail) {
        return new TimelineEvent(atMs, type, pod, disruption, detail, Map.of());
    }

    public static TimelineEvent global(long atMs, EventType type, String detail) {
        return new TimelineEvent(atMs, type, "", "", detail, Map.of());
    }
}
