package io.zerodrop.traffic;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A finished Gatling run: where its log is, when the fork started and ended (epoch ms), its exit code, and when
 * zerodrop saw Gatling announce the start of injection (-1 if it never did).
 */
public record TrafficRun(Path simulationLog, Path runDir, int gatlingExitCode, long forkStartedMs, long endedMs,
        Optional<Path> gatlingReport, Path gatlingConsole,
        long injectionSeenMs) {
}
