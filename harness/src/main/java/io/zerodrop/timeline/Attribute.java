package io.zerodrop.timeline;

/**
 * The names a timeline event's attributes may have: what a producer measured beside the event's time and detail, and
 * what the analysis, the findings and the report read back. report.json shows each under its {@link #key()}. A new
 * attribute is a new constant here, so a producer and its readers cannot disagree about a name.
 */
public enum Attribute {
    // the pod's life
    /** REPLACEMENT_STARTED/READY: the pod this one replaces. */
    REPLACES("replaces"),
    /** POD_MARKED_FOR_DELETION: the grace period the deletion gave, in seconds (0: killed). */
    GRACE_SECONDS("graceSeconds"),
    /** POD_MARKED_FOR_DELETION: the API server's deletionTimestamp, on its clock (kept beside, never correlated). */
    SERVER_DELETION_TIMESTAMP("serverDeletionTimestamp"),
    /** NOTE: the pod's object is gone ("true"). */
    POD_DELETED("podDeleted"),
    /** NOTE: the restart history a pod had before the run ("true"). */
    HISTORY("history"),
    /** NOTE: no exit code reached the API for a pod that is gone ("true"). */
    EXIT_UNKNOWN("exitUnknown"),
    /** CONTAINER_EXITED: the container's exit code. */
    EXIT_CODE("exitCode"),
    /** CONTAINER_EXITED: why it exited (OOMKilled, Error, ...); NOTE from an Event: the Event's reason. */
    REASON("reason"),
    /** CONTAINER_EXITED: the container's name. */
    CONTAINER("container"),
    /** CONTAINER_EXITED: the container's finishedAt, on the node's clock (kept beside, never correlated). */
    NODE_FINISHED_AT("nodeFinishedAt"),
    /** CONTAINER_EXITED: the container's termination message. */
    TERMINATION_MESSAGE("terminationMessage"),
    /** A time the runtime could not observe and inferred: the basis of the inference. */
    INFERRED("inferred"),
    /** A remark on how to read the event's times. */
    NOTE("note"),

    // endpoints and routing
    /** ENDPOINT_*: the endpoint's serving condition. */
    SERVING("serving"),
    /** ENDPOINT_*: the endpoint's terminating condition. */
    TERMINATING("terminating"),
    /** ENDPOINT_TERMINATING on the local runtime: the propagation delay planned for this change, ms. */
    PLANNED_PROPAGATION_MS("plannedPropagationMs"),
    /** ROUTING_STOPPED: how it is known (request-log, response-header, api, api+allowance). */
    SOURCE("source"),
    /** ROUTING_STOPPED: the last request that reached the pod after its deletion (host clock, epoch ms). */
    LAST_REQUEST_MS("lastRequestMs"),
    /** ROUTING_STOPPED: the same request's time on the pod's clock (kept beside, never correlated). */
    LAST_REQUEST_SERVER_MS("lastRequestServerMs"),
    /** ROUTING_STOPPED: when the API took the pod's endpoint out of rotation (host clock, epoch ms). */
    API_OUT_OF_ROTATION_MS("apiOutOfRotationMs"),
    /** ROUTING_STOPPED: requests sent while the pod still accepted, all of which went elsewhere. */
    REQUESTS_ELSEWHERE("requestsElsewhere"),
    /** ROUTING_STOPPED assumed from the API: the allowance added for the data path, ms. */
    ALLOWANCE_MS("allowanceMs"),
    /** NOTE: connections a stale route still sent to a pod whose endpoint was gone. */
    CONNECTS("connects"),

    // evictions and drains
    /** NOTE/EVICTION_REFUSED: the HTTP status the API answered an eviction with. */
    STATUS("status"),
    /** DISRUPTION_ANSWERED: how an eviction ended (evicted, timed-out). */
    OUTCOME("outcome"),
    /** DISRUPTION_ANSWERED: how many times the eviction was refused before it ended. */
    REFUSALS("refusals"),
    /** NOTE of a drain: the node. */
    NODE("node"),

    // the cluster's own records
    /** NOTE from an Event: the Event's type (Normal, Warning). */
    KUBERNETES_EVENT_TYPE("kubernetesEventType"),
    /** NOTE from an Event: its firstTimestamp, on the server's clock (kept beside). */
    SERVER_FIRST_TIMESTAMP("serverFirstTimestamp"),
    /** NOTE from an Event: its lastTimestamp, on the server's clock (kept beside). */
    SERVER_LAST_TIMESTAMP("serverLastTimestamp"),
    /** NOTE from an Event: how many times it happened. */
    COUNT("count"),
    /** NOTE of a budget's status: the PodDisruptionBudget. */
    BUDGET("budget"),
    /** NOTE of a budget's status: disruptionsAllowed. */
    DISRUPTIONS_ALLOWED("disruptionsAllowed"),
    /** NOTE of a budget's status: currentHealthy. */
    CURRENT_HEALTHY("currentHealthy"),
    /** NOTE of a budget's status: desiredHealthy. */
    DESIRED_HEALTHY("desiredHealthy"),
    /** NOTE of a budget's status: expectedPods. */
    EXPECTED_PODS("expectedPods"),
    /** ROLLOUT_PROGRESS: pods beyond the desired count. */
    SURGE("surge"),
    /** ROLLOUT_PROGRESS: desired pods not available. */
    UNAVAILABLE("unavailable"),
    /** ROLLOUT_PROGRESS: updated replicas. */
    UPDATED("updated"),
    /** ROLLOUT_PROGRESS: available replicas. */
    AVAILABLE("available"),
    /** ROLLOUT_COMPLETE: the Deployment's observedGeneration. */
    OBSERVED_GENERATION("observedGeneration"),

    // the timeline itself
    /** An event standing for this many of its kind past the timeline's cap (see {@link Timeline#count}). */
    REPRESENTS("represents");

    private final String key;

    Attribute(String key) {
        this.key = key;
    }

    /** Its name in report.json. */
    public String key() {
        return key;
    }
}
