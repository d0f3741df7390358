package io.zerodrop.findings;

import java.util.ArrayList;
import java.util.List;

/**
 * The findings engine: every rule over what a run measured. A finding names what went wrong, shows the evidence
 * (pods, times, counts, lags with p50/p95/max) and, where a manifest setting fixes it, the change as a kustomize
 * patch.
 */
public final class Diagnosis {
    private Diagnosis() {
    }

    static List<FindingRule> rules() {
        return List.of(new EndpointRaceRule(), new GraceRule(), new ReplacementRule(), new KeepAliveRule(),
                new BudgetRule(), new LivenessRule(), new CrashRule(), new KillRule());
    }

    public static List<Finding> diagnose(RunEvidence e) {
        List<Finding> out = new ArrayList<>();
        for (FindingRule r : rules()) {
            out.addAll(r.diagnose(e));
        }
        return out;
    }
}
