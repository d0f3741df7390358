package io.zerodrop.traffic;

import io.zerodrop.core.Undo;
import io.zerodrop.gatling.GeneratorLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The load from one Gatling JVM on this host: its clock is the host's, so its offset is 0 ± 0. */
public final class SingleGenerator implements LoadGenerators {
    private final Undo undo;

    public SingleGenerator(Undo undo) {
        this.undo = undo;
    }

    @Override
    public LoadResult run(TrafficPlan plan, TrafficListener listener) {
        TrafficRun r;
        try {
            r = new TrafficRunner(undo).run(plan, listener);
        } catch (TrafficRunner.Interrupted i) {
            // the client log is cut wherever its buffer was: no exact join on it, the simulation.log is what counts
            TrafficRun p = i.partial();
            throw new LoadInterrupted(p == null ? null : new LoadResult(List.of(new GeneratorLog("local",
                    p.simulationLog(), 0, 0).cutShort()), List.of(), p.injectionSeenMs(), List.of(), Optional.empty()));
        }
        // the client request log is where the plan told the simulation to write it
        String clientLog = plan.properties().get("zerodrop.requestLog");
        return new LoadResult(List.of(new GeneratorLog("local", r.simulationLog(), 0, 0)), List.of(),
                r.injectionSeenMs(), clientLog == null ? List.of() : List.of(Path.of(clientLog)), r.gatlingReport());
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("from", "local", "generators", 1);
    }
}
