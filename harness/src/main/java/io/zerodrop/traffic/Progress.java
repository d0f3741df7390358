package io.zerodrop.traffic;

/** A live view of a running simulation, from the part of simulation.log written so far. */
public record Progress(long elapsedMs, long remainingMs, long sent, long ok, long ko, double lastSecondRate) {
    /** The line zerodrop prints on stderr while the load runs. */
    public String line() {
        return String.format(java.util.Locale.ROOT, "[traffic] %5.1fs elapsed, %5.1fs left | sent %d ok %d ko %d | %.0f req/s",
                elapsedMs / 1000.0, remainingMs / 1000.0, sent, ok, ko, lastSecondRate);
    }
}
