package io.zerodrop.engine;

import io.zerodrop.runtime.RuntimeFactory;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A run a runtime provider has checked and is ready to make: everything that can be refused was refused while it was
 * prepared, and nothing has changed yet. Closing it releases what preparing it opened (a cluster connection).
 */
public interface PreparedRun extends AutoCloseable {
    /** What {@code --dry-run} prints: the objects and calls the run would make. */
    String dryRunPlan();

    /** The workload as the run knows it before it starts (the local runtime's from its manifests). */
    Workload workload();

    /** The settings under test, for the report's header. */
    Map<String, Object> underTest();

    /**
     * The run's id when preparing it had to choose one (the namespace {@code --deploy} creates is named after it);
     * empty: the run gets a new one when it starts.
     */
    default Optional<String> runId() {
        return Optional.empty();
    }

    /** The runtime of the run, writing its own files under {@code outDir}. */
    RuntimeFactory factory(Path outDir);

    @Override
    void close();

    /** A prepared run of these parts; {@code close} releases what preparing it opened. */
    static PreparedRun of(Supplier<String> plan, Workload workload, Map<String, Object> underTest,
            Function<Path, RuntimeFactory> factory, Runnable close) {
        return of(plan, workload, underTest, factory, close, null);
    }

    /** As above, for run {@code runId} (null: a new id at its start). */
    static PreparedRun of(Supplier<String> plan, Workload workload, Map<String, Object> underTest,
            Function<Path, RuntimeFactory> factory, Runnable close, String runId) {
        return new PreparedRun() {
            @Override
            public Optional<String> runId() {
                return Optional.ofNullable(runId);
            }

            @Override
            public String dryRunPlan() {
                return plan.get();
            }

            @Override
            public Workload workload() {
                return workload;
            }

            @Override
            public Map<String, Object> underTest() {
                return underTest;
            }

            @Override
            public RuntimeFactory factory(Path outDir) {
                return factory.apply(outDir);
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }
}
