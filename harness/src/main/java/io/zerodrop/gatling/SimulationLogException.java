package io.zerodrop.gatling;

import java.nio.file.Path;

/** A simulation.log that zerodrop cannot read: another Gatling version, or a corrupt file. */
public final class SimulationLogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimulationLogException(Path file, long offset, String problem) {
        super("simulation.log " + file + " at byte " + offset + ": " + problem);
    }
}
