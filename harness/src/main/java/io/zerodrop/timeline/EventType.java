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
    ENDPOINT_READY,
    ENDPOINT_NOT_READY,
    ENDPOINT_TERMINATING,
    ENDPOINT_REMOVED,
    REPLACEMENT_STARTED,
    REPLACEMENT_READY,
    ROLLOUT_PROGRESS,
    NOTE
}
