package io.zerodrop.runtime;

import io.zerodrop.core.Durations;
import io.zerodrop.ledger.DataPath;
import io.zerodrop.ledger.LedgerSource;
import io.zerodrop.traffic.fleet.GeneratorFleet;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the workload runs: local processes or a real cluster. Disruptions act only through this interface and
 * every runtime reports into the same {@link io.zerodrop.timeline.Timeline} vocabulary, so analysis, attribution
 * and reports do not know which runtime ran.
 */
public interface Runtime extends AutoCloseable {
    /** One line for the report header: which runtime, which mechanisms. */
    String name();

    /** Settings of the runtime itself, for the report (delays, mechanisms, image mapping). */
    Map<String, Object> describe();

    /**
     * Creates the workload's pods (or attaches to them) and waits until all replicas are ready, within the run's start
     * budget {@code timeout}; when it runs out, the error names what was still pending (see {@link #budgetSpent}).
     */
    void start(Workload workload, Duration timeout);

    /** How to give a slow start more time, for every error that says the start budget ran out. */
    String START_BUDGET_HINT = "(target.startBudget in the scenario or --start-budget give a slow start more time)";

    /** How a start says its budget ran out, and how to give it more. */
    static String budgetSpent(Duration budget) {
        return "after the start budget of " + Durations.describe(budget.toMillis()) + " " + START_BUDGET_HINT;
    }

    /** Prefix for the load generator's command so that it runs where the Service address is reachable. */
    default List<String> processLauncher() {
        return List.of();
    }

    /**
     * The load generators of a load from inside the cluster ({@code traffic.from: cluster}), running {@code image}:
     * the pods of an Indexed Job, or processes on this host where the local runtime plays the Job. Empty where this
     * runtime cannot generate load inside.
     */
    default Optional<GeneratorFleet> loadFleet(String image) {
        return Optional.empty();
    }

    /** The Service URL the load goes to. */
    String serviceUrl();

    /** Live pods, oldest first. */
    List<PodInfo> pods();

    /**
     * Deletes a pod as the API does: marked for deletion now, the kubelet runs preStop, SIGTERM, and SIGKILL when the
     * grace period (counted from now) runs out; the controller creates a replacement. {@code graceSeconds} null =
     * the pod's own; 0 = kill at once.
     */
    void deletePod(String pod, Long graceSeconds, String cause);

    /** The PodDisruptionBudget's view now: disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods. */
    Optional<BudgetStatus> budget();

    /** PDB status as the API reports it. */
    record BudgetStatus(String name, int disruptionsAllowed, int currentHealthy, int desiredHealthy, int expectedPods) {
    }

    /**
     * Evicts a pod through the Eviction API: 201 and a normal deletion when the PodDisruptionBudget allows it
     * (or none selects the pod), 429 when it would break the budget. No retry here: the caller decides.
     */
    Eviction evict(String pod, String cause);

    /**
     * Rollout restart (the template annotation {@code kubectl.kubernetes.io/restartedAt} changes): new pods replace
     * old ones as the rolling-update strategy allows (maxSurge, maxUnavailable, readiness). Returns once the change
     * is accepted; the rollout goes on and is reported on the timeline as ROLLOUT_PROGRESS.
     */
    void rolloutRestart(String cause);

    /** Scales the workload to {@code replicas}: new pods, or the newest pods deleted (no replacement). */
    void scale(int replicas, String cause);

    /** The nodes, in order. */
    List<String> nodes();

    /** The node a live pod runs on. */
    String nodeOf(String pod);

    /**
     * Marks a node unschedulable (cordon) or schedulable again (uncordon). Returns whether this call changed the node:
     * false when it already was as asked (a node an administrator cordoned before the run stays theirs to uncordon).
     */
    boolean cordon(String node, boolean unschedulable, String cause);

    /**
     * Whether the pod still exists, running or terminating (a pod marked for deletion is not in {@link #pods()} but
     * exists until its containers are gone and the object is removed).
     */
    default boolean exists(String pod) {
        return pods().stream().anyMatch(p -> p.name().equals(pod));
    }

    /** Waits until every replica is ready and no terminating pod is left; false on timeout. */
    boolean awaitSettled(Duration timeout);

    /** The server-side ledgers the pods wrote (target-app), for the ground truth. */
    List<Path> ledgers();

    /**
     * Where the servers' own accounts come from after the run (called after {@link #close()}): by default the
     * {@link #ledgers()} files; a cluster's pods give them through their termination messages and metrics instead.
     */
    default LedgerSource ledgerSource() {
        return LedgerSource.files(ledgers(), 0);
    }

    /**
     * The per-request logs the pods wrote (target-app REQUEST_LOG_FILE), pod name → file, for the exact join of
     * client and servers by request id; empty where the runtime cannot collect them.
     */
    default Map<String, Path> requestLogs() {
        return Map.of();
    }

    /**
     * How much later than the endpoint changes this runtime records the data path may stop routing to a pod, and
     * why; used where the run cannot measure it from where requests went. None by default: a runtime whose own
     * Service front applies each change records it when applied.
     */
    default DataPath.Allowance routingAllowance() {
        return DataPath.Allowance.NONE;
    }

    /** Tears everything down; nothing is left behind. */
    @Override
    void close();
}
