package io.zerodrop.core;

import java.util.concurrent.TimeUnit;

/** The one way zerodrop kills a process it started: SIGKILL to its descendants and to it, then wait for it. */
public final class ProcessTrees {
    private ProcessTrees() {
    }

    /** SIGKILLs {@code p} and everything it started; waits up to 10 s for {@code p} to be gone. Null is ignored. */
    public static void kill(Process p) {
        if (p == null) {
            return;
        }
        p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        p.toHandle().destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
