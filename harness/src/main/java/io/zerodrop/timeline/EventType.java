package io.zerodrop.timeline;

/** What happened, in the vocabulary shared by every runtime (local processes, a real cluster). */
public enum EventType {
    TRAFFIC_STARTED,
    WARMUP_ENDED,
    TRAFFIC_ENDED,
    DISRUPTION_ISSUED,
    DISRUPTION_ANSWERED,
    EVICTION_REFUSED,
    POD_MARKED_FOR_DELETION,
    PRESTOP_STARTED,
    PRESTOP_ENDED,
    SIGTERM_SENT,
    SIGKILL_SENT,
    CONTAINER_EXITED,
    /** The container listens on its port (seen where the runtime can look without sending a request: local). */
    CONTAINER_LISTENING,
    ENDPOINT_READY,
    ENDPOINT_NOT_READY,
    ENDPOINT_TERMINATING,
    ENDPOINT_REMOVED,
    /**
     * The data path stopped sending new requests to a deleted pod (attribute {@code source}, a {@link RoutingSource}:
     * {@code request-log} or {@code response-header} when measured from where requests went, {@code api+allowance}
     * or {@code api} when taken from the endpoint change). Later than the API's moment on a cluster: every node's kube-proxy, an ingress
     * or a mesh applies the change on its own schedule.
     */
    ROUTING_STOPPED,
    REPLACEMENT_STARTED,
    REPLACEMENT_READY,
    ROLLOUT_PROGRESS,
    /** A rollout restart has replaced every old pod. */
    ROLLOUT_COMPLETE,
    /**
     * Counted at the end of a run (attribute {@code connects}): new connections that still reached a pod after it
     * left the Service's rules, through conntrack entries that outlived its endpoint.
     */
    STALE_CONNECTS,
    NOTE;

    /** False for a count made at the end of a run: its time is not a moment of the run (no marker, no window). */
    public boolean isMoment() {
        return this != STALE_CONNECTS;
    }
}
