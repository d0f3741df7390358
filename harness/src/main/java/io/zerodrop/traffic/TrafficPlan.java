package io.zerodrop.traffic;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What load to send: a Gatling simulation class with its {@code zerodrop.*} properties (see the gatling-sims
 * Params contract), the timeouts Gatling applies, and where its results go.
 *
 * @param properties  system properties handed to the simulation, e.g. {@code zerodrop.baseUrl}
 * @param rampSeconds the warm-up ramp, excluded from the verdict
 */
public record TrafficPlan(
        String simulationClass,
        List<Path> extraClasspath,
        Map<String, String> properties,
        double rate,
        int rampSeconds,
        int durationSeconds,
        long requestTimeoutMs,
        long connectTimeoutMs,
        Path resultsDir,
        boolean gatlingReport,
        int heapMb,
        List<String> launcher) {

    public TrafficPlan {
        extraClasspath = List.copyOf(extraClasspath);
        properties = Map.copyOf(properties);
        launcher = List.copyOf(launcher);
    }

    /** The same plan, the Gatling JVM started through {@code prefix} (e.g. into a network namespace). */
    public TrafficPlan withLauncher(List<String> prefix) {
        return new TrafficPlan(simulationClass, extraClasspath, properties, rate, rampSeconds, durationSeconds,
                requestTimeoutMs, connectTimeoutMs, resultsDir, gatlingReport, heapMb, prefix);
    }

    /** The longest a correct run can take: ramp + duration + the request timeout for the last requests + slack. */
    public long hardTimeoutMs() {
        return (rampSeconds + durationSeconds) * 1000L + requestTimeoutMs + 60_000;
    }
}
