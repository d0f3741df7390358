package io.zerodrop.cli;

import io.zerodrop.core.Durations;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.scenario.LoadFrom;
import io.zerodrop.scenario.Scenario;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the load is generated, over the scenario's {@code traffic.from} and what goes with it. */
final class LoadFromOptions {
    @Option(names = "--load-from", paramLabel = "local|cluster", description = "Where the load is generated: local"
            + " (this host, one Gatling JVM) or cluster (an Indexed Job of generators inside the cluster sending to the"
            + " Service's cluster address; the local runtime plays it with processes). Overrides traffic.from.")
    String from;

    @Option(names = "--generators", paramLabel = "N", description = "With --load-from cluster: this many load"
            + " generators (default: as many as the rate needs at --generator-rate each).")
    Integer generators;

    @Option(names = "--generator-rate", paramLabel = "REQ_PER_S", description = "With --load-from cluster: the most"
            + " one generator is asked to send (default 1000 for fresh-connections, 4000 otherwise).")
    Double generatorRate;

    @Option(names = "--load-image", paramLabel = "IMAGE", description = "With --load-from cluster on a cluster: the"
            + " load generator image (built from gatling-sims/Dockerfile; default zerodrop/gatling-sims:dev).")
    String image;

    @Option(names = "--clock-resolution", paramLabel = "DURATION", description = "With --load-from cluster: refuse the"
            + " run (exit 3) when a generator's clock is known less well than this (default 100ms).")
    String clockResolution;

    /** The scenario with these options applied (none given: as it is). */
    Scenario apply(Scenario s) {
        if (from == null && generators == null && generatorRate == null && image == null && clockResolution == null) {
            return s;
        }
        Long resolution = null;
        if (clockResolution != null) {
            resolution = Durations.parse(clockResolution).map(Duration::toMillis)
                    .filter(ms -> ms >= 1).orElseThrow(() -> ZerodropException.usage(
                            "--clock-resolution \"" + clockResolution + "\" is invalid: expected a duration of at"
                                    + " least 1ms, " + Durations.EXPECTED));
        }
        LoadFrom f = s.load().from().with(from, generators, generatorRate, resolution, image);
        if (!f.cluster() && (generators != null || generatorRate != null || image != null || clockResolution != null)) {
            throw ZerodropException.usage("--generators, --generator-rate, --load-image and"
                    + " --clock-resolution apply to load from inside the cluster: add --load-from cluster");
        }
        return s.withLoad(s.load().from(f));
    }
}
