package io.zerodrop.findings;

import io.zerodrop.analysis.Phase;
import java.util.List;

/** Requests that failed while no disruption was active: the target fails on its own, whatever its shutdown does. */
final class BaselineRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        long baseline = e.analysis().failuresByPhase().getOrDefault(Phase.BASELINE, 0L);
        if (baseline == 0) {
            return List.of();
        }
        return List.of(new Finding(Finding.Severity.WARNING, "baseline-errors",
                baseline + " request(s) failed while no disruption was active",
                "the target fails on its own; these failures are not caused by pod lifecycle",
                "fix the target's steady-state errors first (see the failure classes), then measure disruptions"));
    }
}
