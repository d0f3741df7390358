package io.zerodrop.findings;

import io.zerodrop.scenario.Setting;
import io.zerodrop.timeline.EventType;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The PodDisruptionBudget, judged by what the evictions met: never going through is a deadlock (the budget allows
 * no disruption); going through with no budget at all, or without ever a refusal while all replicas were down at
 * once, means the budget is missing or too loose.
 */
final class BudgetRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        var ev = e.evictions();
        var w = e.workload();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("evictionsAttempted", ev.attempted());
        m.put("evicted", ev.evicted());
        m.put("neverWentThrough", ev.timedOut());
        m.put("refusals", ev.refusals());
        if (ev.timedOut() > 0 && ev.refusals() == 0) {
            // only a budget refuses an eviction (429); evictions that never went through without one refusal were
            // stopped by something else (API errors, the pod's own state), and no budget setting changes that
            return List.of(new Finding(Finding.Severity.ERROR, "eviction-stuck", ev.timedOut() + " eviction(s) never"
                    + " went through, with no refusal by a PodDisruptionBudget", ev.lastRefusal().isEmpty()
                    ? "no eviction was refused (429): the budget is not what held them" : "last answer: "
                    + ev.lastRefusal(), "read the run's journal for the eviction calls' answers; the API server, not"
                    + " the budget, stopped them", m, null, null));
        }
        if (ev.timedOut() > 0) {
            String budget = w.budget().map(b -> b.name()).orElse(null);
            m.put("budget", budget == null ? "none known" : budget + " " + w.budget().map(b -> b.minAvailable() != null
                    ? "minAvailable " + b.minAvailable() : "maxUnavailable " + b.maxUnavailable()).orElse(""));
            return List.of(new Finding(Finding.Severity.ERROR, "pdb-deadlock", ev.timedOut() + " eviction(s) never"
                    + " went through: " + ev.refusals() + " refusals (429)", ev.lastRefusal(), "the"
                    + " PodDisruptionBudget allows no disruption (minAvailable equal to the replicas, or"
                    + " maxUnavailable 0): node drains and cluster upgrades hang. Use maxUnavailable: 1", m,
                    budget == null ? null : Patches.budgetOneAtATime(budget, "pdb-deadlock", "evictions never went"
                            + " through"), null).withSettings(Map.of(Setting.PDB_MAX_UNAVAILABLE, "1")));
        }
        if (ev.evicted() == 0) {
            return List.of();
        }
        int mostDown = mostUnavailableAtOnce(e);
        m.put("mostPodsOutOfRotationAtOnce", mostDown);
        if (w.budget().isEmpty() && ev.refusals() > 0) {
            return List.of(); // a refusal (429) is a budget's: one guarded the pods though the run did not read it
        }
        if (w.budget().isEmpty() || (ev.refusals() == 0 && mostDown >= w.replicas() && w.replicas() > 1)) {
            return List.of(new Finding(Finding.Severity.WARNING, "pdb-missing", (w.budget().isEmpty()
                    ? "no PodDisruptionBudget guarded the evictions" : "the PodDisruptionBudget never refused an"
                    + " eviction while all " + w.replicas() + " replicas were out of rotation at once"),
                    ev.evicted() + " eviction(s) went through with " + ev.refusals() + " refusals; at most " + mostDown
                            + " pod(s) out of rotation at once", "a PodDisruptionBudget with maxUnavailable: 1", m,
                    w.budget().isEmpty() ? Patches.newBudget(w, "pdb-missing", "nothing limited evictions") : null,
                    null).withSettings(Map.of(Setting.PDB_MAX_UNAVAILABLE, "1")));
        }
        return List.of();
    }

    /**
     * The most pods out of rotation at the same moment, from the timeline: a pod leaves with its endpoint's first
     * not-ready or terminating (a pod that is both counts once), and is back when its endpoint is ready again or
     * another pod's endpoint becomes ready in its place (its replacement).
     */
    private static int mostUnavailableAtOnce(RunEvidence e) {
        Set<String> down = new LinkedHashSet<>();
        int most = 0;
        for (var x : e.events()) {
            if (x.type() == EventType.ENDPOINT_TERMINATING || x.type() == EventType.ENDPOINT_NOT_READY) {
                down.add(x.pod());
                most = Math.max(most, down.size());
            } else if (x.type() == EventType.ENDPOINT_READY && !down.remove(x.pod()) && !down.isEmpty()) {
                down.remove(down.iterator().next());
            }
        }
        return most;
    }
}
