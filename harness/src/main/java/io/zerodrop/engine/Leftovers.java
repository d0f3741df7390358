package io.zerodrop.engine;

import io.zerodrop.core.RunMarker;
import java.io.PrintWriter;
import java.util.List;

/** Before a run starts: what runs killed earlier left on this machine is removed, and said. */
public final class Leftovers {
    private Leftovers() {
    }

    /**
     * Removes what dead runs left; prints one line per run cleaned and one per marker file not trusted; returns what
     * was removed.
     */
    public static List<RunMarker.Removed> removeAndReport(PrintWriter err) {
        RunMarker.Cleanup cleanup = RunMarker.cleanupDead();
        for (String warning : cleanup.warnings()) {
            err.println("zerodrop: warning: " + warning);
        }
        for (RunMarker.Removed r : cleanup.removed()) {
            err.printf("zerodrop: run %s (process %d, no longer alive) had left %d process(es) and %d network"
                    + " namespace(s): removed%n", r.run(), r.ownerPid(), r.processes().size(), r.namespaces().size());
        }
        err.flush();
        return cleanup.removed();
    }
}
