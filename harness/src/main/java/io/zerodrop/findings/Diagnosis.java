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

    /**
     * The rules that read the measurement alone (no workload): what the load generator, the baseline, the unclassified
     * messages, the servers' accounts, the evictions and the Service front's routes show. Every run gets them, a load
     * with no workload ({@code zerodrop traffic}) too.
     */
    static List<FindingRule> measurementRules() {
        return List.of(new LoadGeneratorRule(), new BaselineRule(), new UnclassifiedRule(), new GroundTruthRule(),
                new HeldEvictionsRule(), new StaleRoutesRule());
    }

    /** The findings of the measurement alone, in the order of {@link #measurementRules()}. */
    public static List<Finding> measured(RunEvidence e) {
        return apply(measurementRules(), e);
    }

    /** The findings of the rules that read the workload's whole run, in the order of {@link #rules()}. */
    public static List<Finding> diagnose(RunEvidence e) {
        return apply(rules(), e);
    }

    private static List<Finding> apply(List<FindingRule> rules, RunEvidence e) {
        List<Finding> out = new ArrayList<>();
        for (FindingRule r : rules) {
            out.addAll(r.diagnose(e));
        }
        return out;
    }
}
