package io.zerodrop.traffic.fleet;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What each of {@code generators} load generators runs: the simulation with its {@code zerodrop.*} properties (the
 * rate already divided: each sends {@code rate / generators}), the Gatling timeouts, the JVM heap, and where a local
 * generator keeps its files ({@code workDir/generator-<index>}), and how long the whole load may take.
 */
public record FleetLaunch(String simulationClass, Map<String, String> properties, int generators,
        long requestTimeoutMs, long connectTimeoutMs, int heapMb, List<Path> extraClasspath,
        Path workDir, long hardTimeoutMs) {

    public FleetLaunch {
        properties = Map.copyOf(properties);
        extraClasspath = List.copyOf(extraClasspath);
    }
}
