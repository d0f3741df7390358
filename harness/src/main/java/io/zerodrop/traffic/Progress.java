package io.zerodrop.traffic;

/** A live view of a running simulation, from the part of simulation.log written so far. */
public record Progress(long elapsedMs, long remainingMs, long sent, long ok, long ko, double lastSecondRate) {
}
