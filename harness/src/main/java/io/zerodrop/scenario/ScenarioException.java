package io.zerodrop.scenario;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import java.nio.file.Path;

/** A scenario file that cannot be used: says file, line and column, what was found and what was expected. */
public final class ScenarioException extends ZerodropException {
    private static final long serialVersionUID = 1L;

    public ScenarioException(Path file, int line, int column, String message) {
        super(ExitCodes.USAGE, file + ":" + line + ":" + column + ": " + message);
    }
}
