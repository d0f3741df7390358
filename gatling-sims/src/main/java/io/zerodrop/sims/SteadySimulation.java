package io.zerodrop.sims;

/**
 * {@code steady}: a constant arrival rate over one shared keep-alive connection pool, as real clients behave.
 *
 * <p>Gatling silently retries a request once when a <em>pooled</em> keep-alive connection is closed before any
 * response arrives: such a request shows OK in the log although its first attempt was dropped. zerodrop finds
 * these as hidden drops by comparing with the server's ledger; use {@code fresh-connections} to see every refused
 * connect directly.
 */
public class SteadySimulation extends ZerodropSimulation {
    public SteadySimulation() {
        super("/", true);
    }
}
