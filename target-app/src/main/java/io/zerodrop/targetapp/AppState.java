package io.zerodrop.targetapp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Shared, thread-safe state of the running app: phase, readiness and the moments that matter. */
final class AppState {
    private volatile Phase phase = Phase.STARTING;
    private volatile boolean warmedUp;
    private final boolean failReadinessOnTerm;
    private final long startedAtMs = System.currentTimeMillis();
    private final AtomicLong sigtermAtMs = new AtomicLong();
    private final AtomicInteger writesInProgress = new AtomicInteger();

    AppState(boolean failReadinessOnTerm) {
        this.failReadinessOnTerm = failReadinessOnTerm;
    }

    Phase phase() {
        return phase;
    }

    void phase(Phase p) {
        phase = p;
    }

    void warmedUp() {
        warmedUp = true;
        if (phase == Phase.LISTENING) {
            phase = Phase.READY;
        }
    }

    /** Records the first SIGTERM; returns false if one had already arrived. */
    boolean sigterm() {
        return sigtermAtMs.compareAndSet(0, System.currentTimeMillis());
    }

    boolean terminating() {
        return phase == Phase.DELAYING || phase == Phase.DRAINING || phase == Phase.STOPPED;
    }

    /** Readiness as /readyz reports it. */
    boolean ready() {
        if (!warmedUp || phase == Phase.STARTING || phase == Phase.STOPPED) {
            return false;
        }
        return !(failReadinessOnTerm && terminating());
    }

    /** After termination begins every answer asks the client to close, so keep-alive clients move away. */
    boolean closeConnectionsAfterAnswer() {
        return terminating();
    }

    /**
     * Starts writing an answer, unless the app has stopped: then false, and the answer must not be written. The
     * counter is raised before the phase is read, and {@link #quiesce} sets the phase before it reads the counter,
     * so no answer can be written after the final ledger snapshot without being in it.
     */
    boolean beginWrite() {
        writesInProgress.incrementAndGet();
        if (phase == Phase.STOPPED) {
            writesInProgress.decrementAndGet();
            return false;
        }
        return true;
    }

    void endWrite() {
        writesInProgress.decrementAndGet();
    }

    /** Stops new answers and waits (at most {@code maxMs}) for the ones being written to settle. */
    void quiesce(long maxMs) {
        phase = Phase.STOPPED;
        long deadline = System.currentTimeMillis() + maxMs;
        while (writesInProgress.get() > 0 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
    }

    Map<String, Object> moments() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("startedAtMs", startedAtMs);
        long t = sigtermAtMs.get();
        m.put("sigtermAtMs", t == 0 ? null : t);
        return m;
    }
}
