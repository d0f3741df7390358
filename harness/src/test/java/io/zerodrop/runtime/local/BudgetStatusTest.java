package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.runtime.Runtime.BudgetStatus;
import io.zerodrop.workload.Workload;
import org.junit.jupiter.api.Test;

/** The local disruption budget computes its status as the disruption controller does (updatePdbStatus). */
class BudgetStatusTest {
    @Test
    void aBudgetThatSetsNeitherFieldAllowsNoDisruptionAsTheControllerDoes() {
        BudgetStatus none = LocalRuntime.statusOf(new Workload.Budget("web", null, null, "IfHealthyBudget"), 3, 3);
        assertThat(none.disruptionsAllowed()).as("expected count 0: no disruption allowed").isZero();
        assertThat(none.expectedPods()).isZero();
        BudgetStatus one = LocalRuntime.statusOf(new Workload.Budget("web", null, "1", "IfHealthyBudget"), 3, 3);
        assertThat(one.disruptionsAllowed()).isEqualTo(1);
        assertThat(one.desiredHealthy()).isEqualTo(2);
        BudgetStatus half = LocalRuntime.statusOf(new Workload.Budget("web", "50%", null, "IfHealthyBudget"), 3, 3);
        assertThat(half.desiredHealthy()).as("50 % of 3 rounded up").isEqualTo(2);
        assertThat(half.disruptionsAllowed()).isEqualTo(1);
        assertThat(LocalRuntime.statusOf(new Workload.Budget("web", null, "1", "IfHealthyBudget"), 0, 0)
                .disruptionsAllowed()).as("no pod expected").isZero();
    }
}
