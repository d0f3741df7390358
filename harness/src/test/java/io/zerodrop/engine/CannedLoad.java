package io.zerodrop.engine;

import io.zerodrop.gatling.GeneratorLog;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.gatling.SimulationLogWriter;
import io.zerodrop.timeline.RunClock;
import io.zerodrop.traffic.LoadGenerators;
import io.zerodrop.traffic.LoadResult;
import io.zerodrop.traffic.TrafficListener;
import io.zerodrop.traffic.TrafficPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * A load generator that sends nothing: it says injection started, lets the run's clock pass the load's warm-up and
 * duration (the disruptions happen on the way), then writes a Gatling 3.15.1 simulation.log of one request every
 * {@code everyMs}, each failing with the message {@code failure} gives for its start time (null: it succeeded).
 * What it wrote is counted, so a test compares what the pipeline found with what was there.
 */
final class CannedLoad implements LoadGenerators {
    static final long LATENCY_MS = 2;

    private final RunClock clock;
    private final long everyMs;
    private final LongFunction<String> failure;
    private long sent;
    private long failed;

    CannedLoad(RunClock clock, long everyMs, LongFunction<String> failure) {
        this.clock = clock;
        this.everyMs = everyMs;
        this.failure = failure;
    }

    @Override
    public LoadResult run(TrafficPlan plan, TrafficListener listener) {
        long start = clock.nowMs();
        listener.injectionStarted(start);
        long end = start + (plan.rampSeconds() + plan.durationSeconds()) * 1000L;
        clock.sleepUntil(end);
        Path log = plan.resultsDir().resolve("canned").resolve("simulation.log");
        try {
            Files.createDirectories(log.getParent());
            try (SimulationLogWriter w = new SimulationLogWriter(log, "3.15.1", plan.simulationClass(), start,
                    List.of("load"))) {
                w.user(true, start);
                for (long t = start; t < end; t += everyMs) {
                    String message = failure.apply(t);
                    w.request(List.of(), new RequestRecord("GET /", t, t + LATENCY_MS, message == null,
                            message == null ? "" : message));
                    sent++;
                    failed += message == null ? 0 : 1;
                }
                w.user(false, end);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LoadResult(List.of(new GeneratorLog("local", log, 0, 0)), List.of(), start, List.of(),
                Optional.empty());
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("generator", "canned");
    }

    long sent() {
        return sent;
    }

    long failed() {
        return failed;
    }
}
