package io.zerodrop.traffic;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One load generator of a run from inside the cluster, as the report's generator table and report.json's
 * {@code header.settings.loadGenerators} show it: where it ran, the rate it was asked for, its clock against this
 * host's (offset ± uncertainty, and the estimates before and after the load), when it began injecting on this host's
 * clock ({@code injectionLateMs}: after the first generator), its simulation.log when it wrote one, why it died if
 * it did; and, once the run is measured, what the analysis counted of it. Absent values are left out of the JSON.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GeneratorRow(String name, String where, double askedRate, long clockOffsetMs, long clockUncertaintyMs,
        String clockBefore, String clockAfter, Long injectionStartedMs, Long injectionLateMs, String simulationLog,
        String died, Long requests, Long measured, Long failed, Double achievedRate, Boolean saturated) {

    /** A generator as the fleet ran it, before measurement. */
    public static GeneratorRow ran(String name, String where, double askedRate, long clockOffsetMs,
            long clockUncertaintyMs, String clockBefore, String clockAfter, Long injectionStartedMs,
            Long injectionLateMs, String simulationLog, String died) {
        return new GeneratorRow(name, where, askedRate, clockOffsetMs, clockUncertaintyMs, clockBefore, clockAfter,
                injectionStartedMs, injectionLateMs, simulationLog, died, null, null, null, null, null);
    }

    /** This generator with what the analysis counted of it; the achieved rate to one decimal. */
    public GeneratorRow measured(long requests, long measured, long failed, double achievedRate, boolean saturated) {
        return new GeneratorRow(name, where, askedRate, clockOffsetMs, clockUncertaintyMs, clockBefore, clockAfter,
                injectionStartedMs, injectionLateMs, simulationLog, died, requests, measured, failed,
                Math.round(achievedRate * 10) / 10.0, saturated);
    }
}
