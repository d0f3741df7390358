package io.zerodrop.core;

/** zerodrop's exit codes, in one place. */
public final class ExitCodes {
    /** The verdict passed. */
    public static final int PASSED = 0;
    /** The verdict failed: the target dropped requests or missed an expectation. */
    public static final int VERDICT_FAILED = 1;
    /** Bad usage or input (flags, scenario file, URL); nothing was changed. */
    public static final int USAGE = 2;
    /** The environment is not fit (cluster unreachable, missing permission, saturated load generator). */
    public static final int ENVIRONMENT = 3;
    /** A bug in zerodrop: an invariant failed; what was changed has been undone. */
    public static final int INTERNAL = 4;
    /**
     * Interrupted by SIGINT (128 + 2, as shells report Ctrl-C); what was changed has been undone and what was
     * measured reported. Also what zerodrop's own code returns for any interrupt.
     */
    public static final int INTERRUPTED = 130;
    /**
     * Terminated by SIGTERM (128 + 15, as for every JVM the signal ends): the same teardown and reports as for
     * {@link #INTERRUPTED}; the JVM sets this status itself once its shutdown hooks have run.
     */
    public static final int TERMINATED = 143;

    private ExitCodes() {
    }
}
