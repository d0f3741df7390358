package io.zerodrop.sims;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * zerodrop's request to end the load early (property {@code zerodrop.stopFile}: the file appears when zerodrop is
 * interrupted). The simulation then stops Gatling the way Gatling stops itself, so that simulation.log is written out
 * whole: Gatling keeps the log in an 8 KiB buffer that a killed JVM never writes, which at a low rate is every
 * request of the run.
 */
final class StopSignal {
    private final Path file;
    private volatile boolean requested;

    private StopSignal(Path file) {
        this.file = file;
    }

    /** Watches {@code file} (every 100 ms, on a daemon thread); an empty name watches nothing. */
    static StopSignal watch(String file) {
        StopSignal s = new StopSignal(file.isEmpty() ? null : Path.of(file));
        if (s.file != null) {
            Thread t = new Thread(s::poll, "zerodrop-stop-signal");
            t.setDaemon(true);
            t.start();
        }
        return s;
    }

    private void poll() {
        while (!requested) {
            if (Files.exists(file)) {
                requested = true;
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    boolean requested() {
        return requested;
    }
}
