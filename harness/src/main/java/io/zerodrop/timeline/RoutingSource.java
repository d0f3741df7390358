package io.zerodrop.timeline;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a ROUTING_STOPPED event's moment is known (its {@link Attribute#SOURCE}): measured from where requests went,
 * or assumed from the API's endpoint change (plus the runtime's allowance for the data path).
 */
public enum RoutingSource {
    /** Measured: the pods' request logs name every request they received. */
    REQUEST_LOG("request-log", true),
    /** Measured: the responses' pod header names the pod that answered. */
    RESPONSE_HEADER("response-header", true),
    /** Assumed: the moment the API took the endpoint out of rotation. */
    API("api", false),
    /** Assumed: that moment plus the runtime's allowance for the data path. */
    API_ALLOWANCE("api+allowance", false);

    private final String value;
    private final boolean measured;

    RoutingSource(String value, boolean measured) {
        this.value = value;
        this.measured = measured;
    }

    /** Its value in report.json. */
    public String value() {
        return value;
    }

    /** Whether the moment was measured from where requests went rather than assumed from the API. */
    public boolean measured() {
        return measured;
    }

    /** The source an event gives, if it gives one zerodrop writes. */
    public static Optional<RoutingSource> of(TimelineEvent e) {
        String v = e.attribute(Attribute.SOURCE);
        return Arrays.stream(values()).filter(s -> s.value.equals(v)).findFirst();
    }
}
