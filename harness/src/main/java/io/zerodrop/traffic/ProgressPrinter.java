package io.zerodrop.traffic;

import java.io.PrintWriter;

/**
 * Prints the load's progress: on a terminal one line rewritten in place every second; anywhere else (CI logs, a
 * file) a new line every 5 s, so a log stays readable.
 */
public final class ProgressPrinter {
    private final PrintWriter err;
    private final boolean inPlace;
    private final long everyMs;
    private long lastMs;
    private int lastLength;

    ProgressPrinter(PrintWriter err, boolean inPlace) {
        this.err = err;
        this.inPlace = inPlace;
        this.everyMs = inPlace ? 1_000 : 5_000;
    }

    /** In place when zerodrop runs on a terminal (and not under CI=true), else every 5 s. */
    public static ProgressPrinter to(PrintWriter err) {
        return new ProgressPrinter(err, System.console() != null && !"true".equalsIgnoreCase(System.getenv("CI")));
    }

    public synchronized void print(Progress p) {
        long now = System.currentTimeMillis();
        if (lastMs != 0 && now - lastMs < everyMs - 100) {
            return;
        }
        lastMs = now;
        String line = p.line();
        if (inPlace) {
            err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends the in-place line, so what follows starts on a line of its own. */
    public synchronized void done() {
        if (inPlace && lastLength > 0) {
            err.println();
            err.flush();
            lastLength = 0;
        }
    }
}
