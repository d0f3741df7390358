package io.zerodrop.engine;

import io.zerodrop.core.RunMarker;
import io.zerodrop.core.Undo;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A run's life on this host, the same for every pipeline: what dead runs left behind removed first, an undo registry
 * with this run's marker (its lock held for the run's whole life), and on SIGINT/SIGTERM the JVM held — after every
 * undo — until the run has written the reports of what it measured.
 */
final class RunLifetime {
    /** How long, after SIGINT/SIGTERM and the undos, the JVM waits for the reports before it exits. */
    static final long REPORTS_WAIT_MS = 20_000;

    private RunLifetime() {
    }

    /**
     * Runs {@code run} as run {@code id} with the run's undo registry; its result once the reports are written (or it
     * failed).
     */
    static <T> T live(PrintWriter err, String id, Function<Undo, T> run) {
        Leftovers.removeAndReport(err);
        try (Undo undo = new Undo()) {
            RunMarker.begin(undo, id);
            CountDownLatch reported = new CountDownLatch(1);
            undo.afterSignal(() -> {
                try {
                    reported.await(REPORTS_WAIT_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                return run.apply(undo);
            } finally {
                reported.countDown();
            }
        }
    }
}
