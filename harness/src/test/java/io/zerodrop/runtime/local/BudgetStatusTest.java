package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.runtime.Runtime.BudgetStatus;
import io.zerodrop.workload.Workload;
import org.junit.jupiter.api.Test;

/** The local disruption budget computes its status as the disruption controller does (updatePdbStatus). */
class BudgetStatusTest {
    @Test
    void aBudgetThatSetsNeitherFieldAllowsNoDisruptionAsTheControllerDoes() {
        BudgetStatus none = DisruptionController.statusOf(new Workload.Budget("web", null, null, "IfHealthyBudget"),
                3, 3);
        assertThat(none.disruptionsAllowed()).as("expected count 0: no disruption allowed").isZero();
        assertThat(none.expectedPods()).isZero();
        BudgetStatus one = DisruptionController.statusOf(new Workload.Budget("web", null, "1", "IfHealthyBudget"),
                3, 3);
        assertThat(one.disruptionsAllowed()).isEqualTo(1);
        assertThat(one.desiredHealthy()).isEqualTo(2);
        BudgetStatus half = DisruptionController.statusOf(new Workload.Budget("web", "50%", null, "IfHealthyBudget"),
                3, 3);
        assertThat(half.desiredHealthy()).as("50 % of 3 rounded up").isEqualTo(2);
        assertThat(half.disruptionsAllowed()).isEqualTo(1);
        assertThat(DisruptionController.statusOf(new Workload.Budget("web", null, "1", "IfHealthyBudget"), 0, 0)
                .disruptionsAllowed()).as("no pod expected").isZero();
    }

    /**
     * The Eviction subresource's budget check: a ready pod needs a disruption allowed; a pod that is not ready may
     * go under AlwaysAllow, and under IfHealthyBudget only while the budget is met.
     */
    @Test
    void anEvictionIsRefusedAsTheApiServerRefusesIt() {
        BudgetStatus spent = new BudgetStatus("web", 0, 2, 2, 3);
        assertThat(DisruptionController.refusal(spent, true, "IfHealthyBudget")).hasValue("Cannot evict pod as it"
                + " would violate the pod's disruption budget web: disruptionsAllowed 0, currentHealthy 2,"
                + " desiredHealthy 2, expectedPods 3");
        assertThat(DisruptionController.refusal(spent, false, "IfHealthyBudget")).as("met: an unready pod may go")
                .isEmpty();
        BudgetStatus unmet = new BudgetStatus("web", 0, 1, 2, 3);
        assertThat(DisruptionController.refusal(unmet, false, "IfHealthyBudget")).hasValueSatisfying(m ->
                assertThat(m).endsWith("(pod unhealthy, policy IfHealthyBudget)"));
        assertThat(DisruptionController.refusal(unmet, false, "AlwaysAllow")).isEmpty();
        assertThat(DisruptionController.refusal(new BudgetStatus("web", 1, 3, 2, 3), true, "IfHealthyBudget"))
                .isEmpty();
    }
}
