package io.zerodrop.report;

/** One journal step: what zerodrop did, from when to when (epoch ms), how it ended, and its output or error. */
public record Step(String name, long startMs, long endMs, Status status, String detail) {
    /** How a step ended. */
    public enum Status { OK, FAILED, SKIPPED }
}
