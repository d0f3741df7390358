package io.zerodrop.analysis;

import java.util.List;
import java.util.Map;

/**
 * Everything the verdict and the reports need from one run. Counts marked "measured" exclude the warm-up; the
 * per-100-ms series covers the whole run (warm-up included, and shaded in the chart). {@code okWholeRun} and
 * {@code cutSymptomsWholeRun} (RESET + REQUEST_TIMEOUT) include the warm-up, for reconciliation with the server.
 * {@code lowestSecondRate} is the sent rate of the slowest whole second after the warm-up (a stall of the load
 * generator shows there even when the average is fine); {@code loadGeneratorErrors} are Gatling's own Error
 * records by message.
 */
public record AnalysisResult(
        long runStartMs,
        long firstRequestMs,
        long lastRequestMs,
        long warmupEndMs,
        long totalRequests,
        long warmupRequests,
        long measuredRequests,
        long measuredOk,
        long measuredFailed,
        Map<FailureClass, Long> failuresByClass,
        Map<Phase, Long> failuresByPhase,
        Map<String, Long> failuresByPod,
        Map<String, Long> otherMessages,
        Map<Integer, Long> failuresByStatus,
        long longestFailureBurstMs,
        long failureBursts,
        Map<Windows.Kind, LatencyHistogram.Summary> latency,
        Map<Windows.Kind, Long> requestsByWindow,
        Map<Windows.Kind, Long> failuresByWindow,
        List<Bucket> buckets,
        List<Attribution> attributions,
        long attributionsOmitted,
        double askedRate,
        double achievedRate,
        List<PodTermination> terminations,
        List<Windows.Window> disruptionWindows,
        long okWholeRun,
        long cutSymptomsWholeRun,
        double lowestSecondRate,
        Map<String, Long> loadGeneratorErrors) {

    /** Requests sent in one 100 ms slice of the run. */
    public record Bucket(long startMs, long ok, long failed, long warmup) {
    }

    /**
     * Share of measured requests answered OK, in percent (100 when there were none: ask {@link #measuredAnything()}
     * before printing it as a measurement).
     */
    public double availabilityPercent() {
        return measuredRequests == 0 ? 100.0 : 100.0 * measuredOk / measuredRequests;
    }

    /** Whether any request was measured: without one there is no availability, error rate or saturation to tell. */
    public boolean measuredAnything() {
        return measuredRequests > 0;
    }

    public double errorRatePercent() {
        return measuredRequests == 0 ? 0.0 : 100.0 * measuredFailed / measuredRequests;
    }

    /** Whether some whole second after the warm-up sent less than 75 % of the asked rate (a stall). */
    public boolean loadGeneratorStalled() {
        return measuredRequests > 0 && askedRate > 0 && lowestSecondRate >= 0 && lowestSecondRate < 0.75 * askedRate;
    }

    /** Whether the load generator produced less than 90 % of the asked rate after the warm-up. */
    public boolean loadGeneratorSaturated() {
        return measuredRequests > 0 && askedRate > 0 && achievedRate < 0.9 * askedRate;
    }
}
