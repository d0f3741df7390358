package io.zerodrop.traffic;

import java.util.Map;

/**
 * Where a run's load comes from: one Gatling JVM on this host ({@link SingleGenerator}), or a fleet of generators
 * started together and read as one run (FleetRunner, in traffic.fleet). Either way the result is
 * one or more simulation.logs on this host's clock; the analysis does not know how many there were.
 */
public interface LoadGenerators {
    /** Runs the load of {@code plan}, telling {@code listener} when injection starts and how it goes. */
    LoadResult run(TrafficPlan plan, TrafficListener listener);

    /** For the report header: how the load was generated. */
    Map<String, Object> describe();
}
