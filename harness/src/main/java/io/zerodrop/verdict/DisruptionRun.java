package io.zerodrop.verdict;

/**
 * One occurrence of a scheduled disruption step as it really went: when it was due, issued and answered (epoch ms
 * on the host clock; -1 when it never got that far) and the error that ended it, if any. The verdict only credits a
 * run whose every occurrence was issued, answered and took effect inside the measured window.
 */
public record DisruptionRun(String id, String description, long scheduledMs, long issuedMs, long answeredMs,
        String error) {

    /** How far the occurrence got. */
    public enum Status { NOT_ISSUED, INTERRUPTED, FAILED, DONE }

    public Status status() {
        if (issuedMs < 0) {
            return Status.NOT_ISSUED;
        }
        if (error != null) {
            return Status.FAILED;
        }
        return answeredMs < 0 ? Status.INTERRUPTED : Status.DONE;
    }
}
