package io.zerodrop.traffic.fleet;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What each of {@code generators} load generators runs: the simulation with its {@code zerodrop.*} properties (the
 * rate already divided: each sends {@code rate / generators}), the Gatling timeouts, the JVM heap, and where a local
 * generator keeps its files ({@code workDir/generator-<index>}). {@code skewsMs}: per generator, a clock skew it is
 * made to show (tests of the clock correction; empty in real runs).
 */
public record FleetLaunch(String simulationClass, Map<String, String> properties, int generators,
        double ratePerGenerator, long requestTimeoutMs, long connectTimeoutMs, int heapMb, List<Path> extraClasspath,
        Path workDir, List<Long> skewsMs, long hardTimeoutMs) {

    public FleetLaunch {
        properties = Map.copyOf(properties);
        extraClasspath = List.copyOf(extraClasspath);
        skewsMs = List.copyOf(skewsMs);
    }

    /** The skew generator {@code index} is made to show; 0 in real runs. */
    public long skewMs(int index) {
        return index < skewsMs.size() ? skewsMs.get(index) : 0;
    }
}
