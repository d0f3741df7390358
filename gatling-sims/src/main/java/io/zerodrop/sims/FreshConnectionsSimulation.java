package io.zerodrop.sims;

/** {@code fresh-connections}: every request opens its own TCP connection, so every refused connect is visible. */
public class FreshConnectionsSimulation extends ZerodropSimulation {
    public FreshConnectionsSimulation() {
        super("/", false);
    }
}
