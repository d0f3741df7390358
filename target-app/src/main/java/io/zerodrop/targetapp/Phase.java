package io.zerodrop.targetapp;

import java.util.Locale;

/** Where the app is in its life; exported by {@code /metrics} and written in the ledger. */
enum Phase {
    STARTING, LISTENING, READY,
    /** SIGTERM received in graceful mode: still serving, answers carry {@code Connection: close}. */
    DELAYING,
    /** Listener closed, idle connections closed, in-flight requests finishing. */
    DRAINING,
    STOPPED;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
