package io.zerodrop.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficRunnerTest {
    @Test
    void theGatlingJvmKeepsItsTemporaryFilesInsideTheRunsResultsNotInTheSharedTmp() {
        Path results = Path.of("/runs/r1/gatling");
        TrafficPlan plan = new TrafficPlan("io.zerodrop.sims.SteadySimulation", List.of(), Map.of(), 10, 0, 1, 1000,
                1000, results, false, 256, List.of());

        List<String> cmd = TrafficRunner.command(plan, List.of("--simulation", "x"));

        assertThat(cmd).contains("-Djava.io.tmpdir=" + results.resolve("jvm-tmp"),
                "-Dio.netty.native.workdir=" + results.resolve("jvm-tmp"));
        assertThat(cmd.indexOf("-Djava.io.tmpdir=" + results.resolve("jvm-tmp")))
                .isLessThan(cmd.indexOf(TrafficRunner.GATLING_MAIN));
    }
}
