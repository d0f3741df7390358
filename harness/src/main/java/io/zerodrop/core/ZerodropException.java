package io.zerodrop.core;

/** A failure zerodrop can explain; {@link #exitCode()} is one of {@link ExitCodes}. */
public class ZerodropException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public ZerodropException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ZerodropException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Bad flags, files or values given by the user: exit 2, nothing changed. */
    public static ZerodropException usage(String message) {
        return new ZerodropException(ExitCodes.USAGE, message);
    }

    /** The environment is not fit: cluster unreachable, permission missing, load generator broken: exit 3. */
    public static ZerodropException environment(String message) {
        return new ZerodropException(ExitCodes.ENVIRONMENT, message);
    }

    public static ZerodropException environment(String message, Throwable cause) {
        return new ZerodropException(ExitCodes.ENVIRONMENT, message, cause);
    }
}
