package io.zerodrop.gatling;

/**
 * One request as Gatling logged it. Times are epoch milliseconds on the load generator's host clock
 * (run start + Gatling's offsets). {@code message} is empty for OK requests; Gatling cuts it at 200 characters.
 */
public record RequestRecord(String name, long startMs, long endMs, boolean ok, String message) {
    public long latencyMs() {
        return endMs - startMs;
    }
}
