package io.zerodrop.traffic;

import io.zerodrop.core.Undo;
import io.zerodrop.gatling.GeneratorLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The load from one Gatling JVM on this host: its clock is the host's, so its offset is 0 ± 0. */
public final class SingleGenerator implements LoadGenerators {
    private final Undo undo;

    public SingleGenerator(Undo undo) {
        this.undo = undo;
    }

    @Override
    public LoadResult run(TrafficPlan plan, TrafficListener listener) {
        TrafficRun r = new TrafficRunner(undo).run(plan, listener);
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
