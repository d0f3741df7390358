package io.zerodrop.traffic;

/**
 * Where a run's load comes from: one Gatling JVM on this host ({@link SingleGenerator}), or a fleet of generators
 * started together and read as one run ({@link io.zerodrop.traffic.fleet.FleetRunner}). Either way the result is
 * one or more simulation.logs on this host's clock; the analysis does not know how many there were.
 */
public interface LoadGenerators {
    /** Runs the load of {@code plan}, telling {@code listener} when injection starts and how it goes. */
    LoadResult run(TrafficPlan plan, TrafficListener listener);

    /** For the report header: how the load was generated. */
    java.util.Map<String, Object> describe();
}
