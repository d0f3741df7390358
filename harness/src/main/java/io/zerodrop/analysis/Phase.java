package io.zerodrop.analysis;

/** Where in a pod's termination (or in the run) a failed request fell. */
public enum Phase {
    WARMUP(0, "during the traffic warm-up (excluded from the verdict)"),
    BASELINE(0, "no disruption active: the target fails on its own"),
    MARKED_BEFORE_SIGTERM(3, "pod marked for deletion, preStop running, endpoint still in rotation"),
    SIGTERM_ENDPOINT_LIVE(6, "after SIGTERM, before the endpoint left rotation: the endpoint race"),
    DRAINING(4, "endpoint out of rotation, container still running: in-flight work"),
    AFTER_EXIT(2, "container exited, endpoint already out of rotation: a new connection refused here was sent to the"
            + " dead pod by a conntrack entry that outlived its endpoint (source port reused within 10 s)"),
    AFTER_SIGKILL(7, "grace period ran out: the container was SIGKILLed"),
    REPLACEMENT_STARTING(5, "replacement pod started, not yet ready and serving (or just put in rotation)"),
    DISRUPTION_OTHER(1, "during a disruption, outside every pod's termination phases");

    private final int rank;
    private final String meaning;

    Phase(int rank, String meaning) {
        this.rank = rank;
        this.meaning = meaning;
    }

    /**
     * When a failure falls in the phases of several pods, the highest rank names it: a dying pod still in rotation
     * first, then a replacement just put in rotation (it explains new-connection failures after the old pod left
     * rotation), then the old pod's draining and preStop.
     */
    boolean outranks(Phase other) {
        return rank > other.rank;
    }

    public String meaning() {
        return meaning;
    }
}
