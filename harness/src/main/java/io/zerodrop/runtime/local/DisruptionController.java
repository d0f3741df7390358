package io.zerodrop.runtime.local;

import io.zerodrop.core.IntOrPercent;
import io.zerodrop.runtime.Runtime.BudgetStatus;
import io.zerodrop.workload.Workload;
import java.util.Optional;

/**
 * The local stand-in for Kubernetes' disruption controller and the Eviction subresource's budget check: a budget's
 * status from the pods' counts, and whether one eviction may go ahead — pure arithmetic, so that the rules can be
 * read and tested apart from the processes they govern.
 */
final class DisruptionController {
    private DisruptionController() {
    }

    /**
     * A budget's status as the disruption controller computes it: the desired healthy count from minAvailable, or
     * the expected count less maxUnavailable; disruptions allowed = healthy − desired, never below 0, and 0 while the
     * expected count is 0 — which it stays for a budget that sets neither field (getExpectedPodCount sets nothing),
     * so such a budget refuses every eviction.
     */
    static BudgetStatus statusOf(Workload.Budget b, int replicas, int healthy) {
        if (b.minAvailable() == null && b.maxUnavailable() == null) {
            return new BudgetStatus(b.name(), 0, healthy, 0, 0);
        }
        int desired = b.minAvailable() != null ? IntOrPercent.roundedUp(b.minAvailable(), replicas)
                : replicas - IntOrPercent.roundedUp(b.maxUnavailable(), replicas);
        return new BudgetStatus(b.name(), replicas <= 0 ? 0 : Math.max(0, healthy - desired), healthy, desired,
                replicas);
    }

    /**
     * Why the eviction of one pod is refused under budget {@code b}, in the API server's words; empty when it may go.
     * A ready pod needs a disruption allowed; a pod that is not ready may go under {@code AlwaysAllow}, and under
     * {@code IfHealthyBudget} only while the budget is met.
     */
    static Optional<String> refusal(BudgetStatus b, boolean podReady, String unhealthyPodEvictionPolicy) {
        boolean allowed = podReady ? b.disruptionsAllowed() > 0
                : "AlwaysAllow".equals(unhealthyPodEvictionPolicy) || b.currentHealthy() >= b.desiredHealthy();
        if (allowed) {
            return Optional.empty();
        }
        return Optional.of("Cannot evict pod as it would violate the pod's disruption budget " + b.name()
                + ": disruptionsAllowed " + b.disruptionsAllowed() + ", currentHealthy " + b.currentHealthy()
                + ", desiredHealthy " + b.desiredHealthy() + ", expectedPods " + b.expectedPods()
                + (podReady ? "" : " (pod unhealthy, policy " + unhealthyPodEvictionPolicy + ")"));
    }
}
