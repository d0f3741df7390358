package io.zerodrop.findings;

import io.zerodrop.verdict.EvictionStats;
import java.util.List;

/**
 * Evictions the budget refused (429) and that went through on a retry: the budget worked as meant. Evictions that
 * never went through are {@link BudgetRule}'s deadlock, with its patch.
 */
final class HeldEvictionsRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        EvictionStats ev = e.evictions();
        if (ev.timedOut() != 0 || ev.refusals() == 0) {
            return List.of();
        }
        return List.of(new Finding(Finding.Severity.INFO, "pdb-held-evictions",
                ev.refusals() + " eviction(s) refused (429) and retried until the budget allowed them",
                ev.lastRefusal(), ""));
    }
}
