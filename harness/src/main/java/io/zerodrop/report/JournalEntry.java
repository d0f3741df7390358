package io.zerodrop.report;

/**
 * One entry of the run's journal (report.json's {@code steps}): what zerodrop did, from when to when (epoch ms), how
 * it ended, and its output or error.
 */
public record JournalEntry(String name, long startMs, long endMs, Status status, String detail) {
    /** How it ended. */
    public enum Status { OK, FAILED, SKIPPED }
}
