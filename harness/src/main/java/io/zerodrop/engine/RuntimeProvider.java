package io.zerodrop.engine;

import io.zerodrop.core.ZerodropException;
import io.zerodrop.scenario.Scenario;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A runtime as the commands choose it, by name: each runtime package offers one (listed in
 * {@code META-INF/services/io.zerodrop.engine.RuntimeProvider}), so that a new runtime is a package and its provider
 * — nothing in the command line or the engine names it.
 */
public interface RuntimeProvider {
    /** The name {@code --runtime} and {@code target.runtime} use. */
    String name();

    /**
     * How long a workload on this runtime may take to be ready before the load starts, where neither the scenario
     * ({@code target.startBudget}) nor the command line ({@code --start-budget}) says.
     */
    Duration defaultStartBudget();

    /** Checks the scenario and the request against this runtime and gets ready to run; changes nothing. */
    PreparedRun prepare(Scenario scenario, RunRequest request);

    /** What a cleanup put back, what it left alone (live runs), and what it could not read or undo. */
    record Cleanup(List<String> done, List<String> leftAlone, List<String> problems) {
    }

    /**
     * Puts back what killed runs left on this runtime — on this machine, or in the cluster the request's options
     * name (its namespace, or every namespace when none is given) — never touching a live run's changes.
     */
    Cleanup cleanUp(RunRequest request);

    /** Every provider on the class path, in the order of their names. */
    static List<RuntimeProvider> all() {
        return ServiceLoader.load(RuntimeProvider.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(RuntimeProvider::name)).toList();
    }

    /** The provider named {@code name}; a usage error naming the ones there are otherwise. */
    static RuntimeProvider named(String name) {
        List<RuntimeProvider> all = all();
        return all.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() -> ZerodropException.usage(
                "--runtime \"" + name + "\" is invalid: expected " + String.join(" or ", all.stream()
                        .map(RuntimeProvider::name).toList())));
    }
}
