package io.zerodrop.gatling;

import io.zerodrop.core.ZerodropException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One load generator's simulation.log and its clock against zerodrop's host: {@code offsetMs} = generator clock
 * minus host clock, known to ± {@code uncertaintyMs}. Several generators' logs are read as one run on the host's
 * clock ({@link #readAll}): every timestamp corrected by its generator's offset, the run starting with the earliest.
 */
public record GeneratorLog(String name, Path log, long offsetMs, long uncertaintyMs, boolean cut) {

    public GeneratorLog(String name, Path log, long offsetMs, long uncertaintyMs) {
        this(name, log, offsetMs, uncertaintyMs, false);
    }

    /**
     * This log, known to have been cut short (its generator was stopped by an interrupt): read up to its last whole
     * record instead of refused as truncated.
     */
    public GeneratorLog cutShort() {
        return new GeneratorLog(name, log, offsetMs, uncertaintyMs, true);
    }

    /**
     * Refuses (exit 3) to merge generators whose clock is not known well enough for the verdict: an uncertainty
     * larger than {@code resolutionMs} could put a failure in the wrong phase of a pod's termination.
     */
    public static void requireResolution(List<GeneratorLog> logs, long resolutionMs) {
        List<String> loose = logs.stream().filter(g -> g.uncertaintyMs() > resolutionMs).map(g -> g.name() + " (± "
                + g.uncertaintyMs() + " ms)").toList();
        if (!loose.isEmpty()) {
            throw ZerodropException.environment("the clock of load generator(s) " + String.join(", ", loose) + " is"
                    + " known only to more than the " + resolutionMs + " ms the verdict needs: their failures could"
                    + " be put in the wrong phase, so the run is not judged (sync the nodes' clocks, or measure again)");
        }
    }

    /** Reads every generator's log into {@code visitor} on the host's clock; the merged run header. */
    public static RunHeader readAll(List<GeneratorLog> logs, SimulationLogReader.Visitor visitor) throws IOException {
        return readAll(logs, visitor, (i, r) -> { });
    }

    /** A request as read, with the index of the generator that sent it (its times on the host's clock). */
    @FunctionalInterface
    public interface PerGenerator {
        void request(int generator, RequestRecord corrected);
    }

    /** As above, telling {@code perGenerator} which generator each request came from. */
    public static RunHeader readAll(List<GeneratorLog> logs, SimulationLogReader.Visitor visitor,
            PerGenerator perGenerator) throws IOException {
        List<RunHeader> headers = new ArrayList<>();
        for (int index = 0; index < logs.size(); index++) {
            GeneratorLog g = logs.get(index);
            int gi = index;
            long off = g.offsetMs();
            headers.add(SimulationLogReader.readAll(g.log(), g.cut(), new SimulationLogReader.Visitor() {
                @Override
                public void request(RequestRecord r) {
                    RequestRecord c = new RequestRecord(r.name(), r.startMs() - off, r.endMs() - off, r.ok(),
                            r.message());
                    visitor.request(c);
                    perGenerator.request(gi, c);
                }

                @Override
                public void userStart(long atMs) {
                    visitor.userStart(atMs - off);
                }

                @Override
                public void userEnd(long atMs) {
                    visitor.userEnd(atMs - off);
                }

                @Override
                public void error(String message, long atMs) {
                    visitor.error(message, atMs - off);
                }
            }));
        }
        return merged(logs, headers);
    }

    /** The merged header: one simulation, one Gatling version, started when the earliest generator started. */
    public static RunHeader readHeader(List<GeneratorLog> logs) throws IOException {
        List<RunHeader> headers = new ArrayList<>();
        for (GeneratorLog g : logs) {
            headers.add(SimulationLogReader.readHeader(g.log()));
        }
        return merged(logs, headers);
    }

    private static RunHeader merged(List<GeneratorLog> logs, List<RunHeader> headers) {
        RunHeader first = headers.get(0);
        long start = Long.MAX_VALUE;
        for (int i = 0; i < headers.size(); i++) {
            RunHeader h = headers.get(i);
            if (!h.simulationClass().equals(first.simulationClass()) || !h.gatlingVersion().equals(first
                    .gatlingVersion())) {
                throw ZerodropException.environment("load generator " + logs.get(i).name() + " ran " + h
                        .simulationClass() + " on Gatling " + h.gatlingVersion() + ", " + logs.get(0).name() + " ran "
                        + first.simulationClass() + " on Gatling " + first.gatlingVersion() + ": not one run");
            }
            start = Math.min(start, h.runStartMs() - logs.get(i).offsetMs());
        }
        return new RunHeader(first.gatlingVersion(), first.simulationClass(), start, first.description(),
                first.scenarios());
    }

    /** The first user's start over all generators, on the host's clock; -1 if none started. */
    public static long firstUserStartMs(List<GeneratorLog> logs) throws IOException {
        long first = -1;
        for (GeneratorLog g : logs) {
            long t = SimulationLogReader.firstUserStartMs(g.log());
            if (t >= 0 && (first < 0 || t - g.offsetMs() < first)) {
                first = t - g.offsetMs();
            }
        }
        return first;
    }
}
