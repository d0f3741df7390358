package io.zerodrop.traffic.fleet;

import java.util.List;
import java.util.Map;

/**
 * Where the load generators of a distributed run come from: the pods of an Indexed Job on a cluster, or processes on
 * this host when the local runtime plays the Job. A fleet registers the undo of everything it starts before starting
 * it; {@link FleetRunner} drives the generators the same way whatever the fleet.
 */
public interface GeneratorFleet {
    /** The target's Service address as the generators reach it (cluster DNS name, or the local Service). */
    String serviceUrl();

    /**
     * Starts the generators and returns their control channels once every one answers (none has started sending:
     * they wait for {@code start}). Throws a {@link io.zerodrop.core.ZerodropException} when they cannot be had.
     */
    List<GeneratorChannel> launch(FleetLaunch launch);

    /** For the report header: what runs the generators, and how. */
    Map<String, Object> describe();
}
