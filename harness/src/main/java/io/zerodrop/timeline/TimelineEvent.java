package io.zerodrop.timeline;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One thing that happened, at {@code atMs} epoch milliseconds on the host clock zerodrop runs on (the one clock
 * every correlated timestamp uses). {@code pod} is empty when the event concerns no single pod;
 * {@code disruption} names the disruption step that caused it, empty when none did; {@code attributes} are what
 * was measured beside it, by {@link Attribute} (report.json shows them under their keys, in the enum's order).
 */
@JsonPropertyOrder({"atMs", "type", "pod", "disruption", "detail", "attributes"})
public record TimelineEvent(long atMs, EventType type, String pod, String disruption, String detail,
        @JsonIgnore Map<Attribute, String> attributes) {

    public TimelineEvent {
        Objects.requireNonNull(type, "type");
        pod = pod == null ? "" : pod;
        disruption = disruption == null ? "" : disruption;
        detail = detail == null ? "" : detail;
        attributes = attributes == null || attributes.isEmpty() ? Map.of() : Collections.unmodifiableMap(
                new EnumMap<>(attributes));
        attributes.forEach((k, v) -> Objects.requireNonNull(v, () -> "event " + type + ": attribute " + k.key()
                + " has no value"));
        if (atMs <= 0) {
            throw new IllegalArgumentException("event " + type + " has no time (atMs=" + atMs + ")");
        }
    }

    /** The attribute {@code a}, or null when the event has none. */
    public String attribute(Attribute a) {
        return attributes.get(a);
    }

    /** The attribute {@code a}, or {@code orElse} when the event has none. */
    public String attribute(Attribute a, String orElse) {
        return attributes.getOrDefault(a, orElse);
    }

    public boolean has(Attribute a) {
        return attributes.containsKey(a);
    }

    /** The attributes as report.json shows them: by key, in {@link Attribute}'s order. */
    @JsonProperty("attributes")
    public Map<String, String> attributesByKey() {
        Map<String, String> m = new LinkedHashMap<>();
        attributes.forEach((k, v) -> m.put(k.key(), v));
        return m;
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
