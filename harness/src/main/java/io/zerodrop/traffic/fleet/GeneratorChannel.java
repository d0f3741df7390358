package io.zerodrop.traffic.fleet;

/**
 * The control line to one running load generator ({@code io.zerodrop.sims.Generator}): one command line in, one
 * answer line out. Local processes are driven on their stdin/stdout; pods through the API server's pod proxy.
 */
public interface GeneratorChannel {
    /** The generator's name in reports: its pod, or {@code generator-<index>} for a local process. */
    String name();

    /** Where it runs, for the report: a node, or this host with its pid. */
    String where();

    /**
     * Sends one command, returns the answer line. A transport failure (the process gone, the proxy refusing) is a
     * {@link io.zerodrop.core.ZerodropException} naming the generator.
     */
    String call(String command);

    /**
     * Once the generator is taken for dead: what its host says of how it ended (a pod's container terminated
     * OOMKilled, exit code 137), from "; …", or empty when there is nothing more than the failed call said.
     */
    default String postMortem() {
        return "";
    }
}
