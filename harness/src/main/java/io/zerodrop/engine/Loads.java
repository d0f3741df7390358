package io.zerodrop.engine;

import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.scenario.LoadFrom;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.traffic.LoadGenerators;
import io.zerodrop.traffic.SingleGenerator;
import io.zerodrop.traffic.fleet.FleetRunner;

/** The load generators of a run, from where its load spec says the load comes from. */
final class Loads {
    private Loads() {
    }

    static LoadGenerators of(LoadSpec load, Runtime runtime, Undo undo) {
        LoadFrom from = load.from();
        if (!from.cluster()) {
            return new SingleGenerator(undo);
        }
        return new FleetRunner(runtime.loadFleet(from.imageOrDefault()).orElseThrow(() -> ZerodropException.usage(
                "traffic.from is cluster, but the " + runtime.name() + " runtime cannot generate load inside"
                        + " (use from: local)")), from.generatorCount(load.rate(), load.simulation()),
                from.clockResolutionMs(), undo);
    }
}
