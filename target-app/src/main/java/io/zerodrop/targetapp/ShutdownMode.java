package io.zerodrop.targetapp;

import java.util.Locale;

/** What the app does when SIGTERM arrives (variable {@code SHUTDOWN_MODE}). */
enum ShutdownMode {
    /** Stop at once: in-flight requests and keep-alive connections are cut, exit 143. */
    IMMEDIATE,
    /** Keep serving for a delay, stop accepting, close idle connections, drain in-flight requests, exit 0. */
    GRACEFUL,
    /** Ignore SIGTERM, as a shell-form entrypoint does; only SIGKILL ends the process. */
    IGNORE;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
