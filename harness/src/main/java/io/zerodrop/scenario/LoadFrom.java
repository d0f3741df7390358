package io.zerodrop.scenario;

import io.zerodrop.core.ZerodropException;
import java.util.Locale;

/**
 * Where the load is generated: {@code local} — one Gatling JVM on the zerodrop host, to the address the runtime
 * gives (the default); {@code cluster} — inside the cluster, as the pods of an Indexed Job sending to the Service's
 * cluster address (the local runtime plays the Job with processes on this host). With {@code cluster}:
 * {@code generators} (null: as many as the rate needs at {@code generatorRate} each, which defaults to half of one
 * generator's measured capacity for the simulation), the image the Job runs, and the clock resolution the verdict
 * needs — a generator whose clock is known less well than that makes the run refuse (exit 3).
 */
public record LoadFrom(String from, Integer generators, Double generatorRate, long clockResolutionMs, String image) {
    /** The load generator image, as built from gatling-sims/Dockerfile. */
    public static final String DEFAULT_IMAGE = "zerodrop/gatling-sims:dev";
    /** Phases a failure is attributed to are hundreds of ms apart at the closest (kubelet notice, endpoint lag). */
    public static final long DEFAULT_CLOCK_RESOLUTION_MS = 100;
    public static final LoadFrom LOCAL = new LoadFrom("local", null, null, DEFAULT_CLOCK_RESOLUTION_MS, null);

    public LoadFrom {
        if (!from.equals("local") && !from.equals("cluster")) {
            throw ZerodropException.usage("the load's origin is \"" + from + "\"; expected local or cluster");
        }
        if (generators != null && (generators < 1 || generators > 1000)) {
            throw ZerodropException.usage("the number of load generators is " + generators + "; expected 1 to 1000");
        }
        if (generatorRate != null && !(generatorRate > 0)) {
            throw ZerodropException.usage("the rate per load generator is " + generatorRate + "; expected more than 0");
        }
        if (clockResolutionMs < 1) {
            throw ZerodropException.usage("the clock resolution is " + clockResolutionMs + " ms; expected at least 1");
        }
    }

    public boolean cluster() {
        return from.equals("cluster");
    }

    public String imageOrDefault() {
        return image != null ? image : DEFAULT_IMAGE;
    }

    /**
     * Requests per second one generator is asked for at most by default, by simulation: one Gatling JVM on 2 cores
     * sustained ~8,000 req/s keep-alive and ~2,000 req/s with fresh connections; half leaves room for the node.
     */
    public static double defaultGeneratorRate(String simulation) {
        return simulation.toLowerCase(Locale.ROOT).contains("fresh") ? 1_000 : 4_000;
    }

    /** How many generators a rate needs at a per-generator ceiling. */
    public static int generatorsFor(double rate, double ceiling) {
        if (rate <= 0 || ceiling <= 0) {
            throw ZerodropException.usage("rate " + rate + " and the per-generator rate " + ceiling + " must be"
                    + " positive");
        }
        return Math.max(1, (int) Math.ceil(rate / ceiling));
    }

    /** The number of generators for this load: as given, or as many as the rate needs. */
    public int generatorCount(double rate, String simulation) {
        if (!cluster()) {
            return 1;
        }
        return generators != null ? generators : generatorsFor(rate, generatorRate != null ? generatorRate
                : defaultGeneratorRate(simulation));
    }

    /** This origin with the command line's overrides (null: keep). */
    public LoadFrom with(String newFrom, Integer newGenerators, Double newRate, Long newResolution, String newImage) {
        return new LoadFrom(newFrom != null ? newFrom : from, newGenerators != null ? newGenerators : generators,
                newRate != null ? newRate : generatorRate, newResolution != null ? newResolution : clockResolutionMs,
                newImage != null ? newImage : image);
    }
}
