package io.zerodrop.sims;

/**
 * {@code slow-requests}: requests to a slow path (default {@code /work?ms=2000}, each on its own connection) so
 * that work is in flight when a pod's shutdown begins.
 */
public class SlowRequestsSimulation extends ZerodropSimulation {
    public SlowRequestsSimulation() {
        super("/work?ms=2000", false);
    }
}
