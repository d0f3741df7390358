package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;

/** PodDisruptionBudgets: present, selecting what they mean to, and allowing a disruption at all. */
final class BudgetChecks {
    private BudgetChecks() {
    }

    /**
     * How many of {@code replicas} the budget lets go at once. The disruption controller (getExpectedPodCount) scales
     * a percentage with rounding <em>up</em>, for maxUnavailable and minAvailable alike: maxUnavailable 10% of 3 lets
     * one pod go, minAvailable 50% of 3 keeps two.
     */
    static int allowed(PodDisruptionBudget b, int replicas) {
        IntOrString max = b.getSpec().getMaxUnavailable();
        IntOrString min = b.getSpec().getMinAvailable();
        if (max != null) {
            return max.getIntVal() != null ? max.getIntVal() : (int) Math.ceil(replicas * percent(max) / 100.0);
        }
        if (min != null) {
            int need = min.getIntVal() != null ? min.getIntVal() : (int) Math.ceil(replicas * percent(min) / 100.0);
            return Math.max(0, replicas - need);
        }
        // neither set (policy/v1 defaults neither): getExpectedPodCount leaves the expected count at 0, and
        // updatePdbStatus allows no disruption while it is 0 — every eviction refused, a deadlock, not "no limit"
        return 0;
    }

    /** Whether the budget allows no disruption for any number of pods: maxUnavailable 0 or 0 %, minAvailable 100 %. */
    static boolean zeroAlways(PodDisruptionBudget b) {
        IntOrString max = b.getSpec().getMaxUnavailable();
        IntOrString min = b.getSpec().getMinAvailable();
        if (max != null) {
            return max.getIntVal() != null ? max.getIntVal() <= 0 : percent(max) <= 0;
        }
        return min != null && min.getStrVal() != null && percent(min) >= 100;
    }

    private static String field(PodDisruptionBudget pdb) {
        return pdb.getSpec().getMaxUnavailable() != null ? "spec.maxUnavailable"
                : pdb.getSpec().getMinAvailable() != null ? "spec.minAvailable" : "spec";
    }

    private static double percent(IntOrString v) {
        return Double.parseDouble(v.getStrVal().replace("%", "").trim());
    }

    static String describe(PodDisruptionBudget b) {
        return b.getSpec().getMaxUnavailable() != null ? "maxUnavailable " + text(b.getSpec().getMaxUnavailable())
                : b.getSpec().getMinAvailable() != null ? "minAvailable " + text(b.getSpec().getMinAvailable())
                : "neither minAvailable nor maxUnavailable (the disruption controller then expects no pod)";
    }

    static String text(IntOrString v) {
        return v.getIntVal() != null ? String.valueOf(v.getIntVal()) : v.getStrVal();
    }

    /**
     * The disruption-budget checks in id order.
     *
     * <p>Size: a table of 6 rules, each entry a short check of its own, read top to bottom like the README's list.
     */
    static List<AuditCheck> all() {
        return List.of(
                new Rule("ZD104", "no PodDisruptionBudget for a replicated workload", (c, f) -> {
                    for (AuditObject w : c.counted()) {
                        if (c.replicas(w) >= 2 && c.budgetsOf(w).isEmpty()) {
                            f.add(Severity.WARNING, w, "metadata.name", "no PodDisruptionBudget selects its pods: a"
                                    + " node drain or cluster upgrade may evict all " + c.replicas(w)
                                    + " replicas at once", "add a PodDisruptionBudget with maxUnavailable: 1 selecting "
                                    + AuditContext.selectorLabels(w));
                        }
                    }
                }),
                new Rule("ZD105", "PodDisruptionBudget allows no disruption", (c, f) -> {
                    for (AuditObject w : c.counted()) {
                        int replicas = c.replicas(w);
                        for (AuditObject b : c.budgetsOf(w)) {
                            PodDisruptionBudget pdb = (PodDisruptionBudget) b.object();
                            if (replicas >= 2 && allowed(pdb, replicas) <= 0) {
                                f.add(Severity.ERROR, b, field(pdb), describe(pdb) + " with "
                                        + replicas + " replicas of " + w.ref() + c.replicasBasis(w)
                                        + " allows 0 disruptions: every"
                                        + " eviction is refused, node drains hang until someone deletes pods by hand",
                                        "maxUnavailable: 1 (or minAvailable below the replica count)");
                            }
                        }
                    }
                    // a budget given without the workloads of its namespace: some settings refuse every eviction
                    // whatever the number of pods (a chart that keeps its budgets in a file of their own)
                    for (AuditObject b : c.budgets()) {
                        PodDisruptionBudget pdb = (PodDisruptionBudget) b.object();
                        if (c.workloadsIn(b).isEmpty() && pdb.getSpec().getSelector() != null && zeroAlways(pdb)) {
                            f.add(Severity.ERROR, b, field(pdb), describe(pdb) + " allows 0 disruptions whatever the"
                                    + " number of pods it selects: every eviction is refused, node drains hang until"
                                    + " someone deletes pods by hand", "maxUnavailable: 1 (or minAvailable below the"
                                    + " replica count)");
                        }
                    }
                }),
                new Rule("ZD207", "PodDisruptionBudget selects no pod", (c, f) -> {
                    for (AuditObject b : c.budgets()) {
                        PodDisruptionBudget pdb = (PodDisruptionBudget) b.object();
                        List<Map<String, String>> candidates = c.live() ? c.knownPodLabels(b)
                                : c.workloadsMaybeSelected(b, pdb.getSpec().getSelector() == null ? null
                                : pdb.getSpec().getSelector().getMatchLabels()).stream()
                                .map(AuditContext::podLabels).toList();
                        if (candidates.stream().anyMatch(l -> Selectors.selects(pdb.getSpec().getSelector(), l))) {
                            continue;
                        }
                        String what = b.readAs() != null && pdb.getSpec().getSelector() == null ? "its selector is"
                                + " empty, and in " + b.readAs() + " an empty selector selects no pod"
                                : "its selector (matchLabels and every matchExpression together) matches no "
                                + (c.live() ? "pod in the namespace" : "workload's pod template here");
                        LabelSelector selector = pdb.getSpec().getSelector();
                        List<AuditObject> there = c.live() || selector == null ? List.of()
                                : c.matchingInOtherNamespaces(b, l -> Selectors.selects(selector, l));
                        if (!there.isEmpty()) {
                            what += " " + AuditContext.home(b) + ", though it matches those of "
                                    + AuditContext.refs(there, 3) + " of another namespace (a budget protects only pods"
                                    + " of its own)";
                        }
                        List<AuditObject> elsewhere = c.live() ? List.of() : c.podSourcesNotRead(b);
                        if (!c.live() && selector != null && there.isEmpty() && elsewhere.isEmpty()
                                && c.workloadsIn(b).isEmpty()) {
                            f.inferred(Severity.WARNING, b, "spec.selector", "no workload " + AuditContext.home(b)
                                    + " is in this input to check its selector against: if the pods it means are not"
                                    + " there when it is applied, it protects nothing", "audit it together with the"
                                    + " workloads it protects, or live (--runtime kubernetes) once they run");
                        } else if (elsewhere.isEmpty() || pdb.getSpec().getSelector() == null) {
                            f.add(Severity.ERROR, b, "spec.selector", what + ": it protects nothing", there.isEmpty()
                                    ? "match the labels of the workload's pod template" : "put the budget in the"
                                    + " namespace of the pods it protects (" + there.get(0).namespace() + ")");
                        } else {
                            f.inferred(Severity.WARNING, b, "spec.selector", what + "; its namespace has pods this"
                                    + " audit does not read (" + AuditContext.refs(elsewhere, 3) + "), which"
                                    + " may be the ones it protects — if not, it protects nothing", "check it with"
                                    + " zerodrop audit --runtime kubernetes once the pods run");
                        }
                    }
                }),
                new Rule("ZD217", "a budget that keeps not-ready pods from being evicted", (c, f) -> {
                    for (AuditObject b : c.budgets()) {
                        PodDisruptionBudget pdb = (PodDisruptionBudget) b.object();
                        // said of a budget that selects pods, or may: not of one known to select none (ZD207)
                        boolean selectsNone = pdb.getSpec().getSelector() == null || (!c.workloadsIn(b).isEmpty()
                                && c.workloadsMaybeSelected(b, pdb.getSpec().getSelector().getMatchLabels()).stream()
                                .noneMatch(w -> Selectors.selects(pdb.getSpec().getSelector(),
                                        AuditContext.podLabels(w))));
                        if ("AlwaysAllow".equals(pdb.getSpec().getUnhealthyPodEvictionPolicy()) || selectsNone) {
                            continue;
                        }
                        f.add(Severity.INFO, b, "spec.unhealthyPodEvictionPolicy", (pdb.getSpec()
                                .getUnhealthyPodEvictionPolicy() == null ? "unset, so IfHealthyBudget" : "IfHealthyBudget")
                                + ": a pod that is running but not ready can be evicted only while the budget is"
                                + " met — when a bad rollout leaves pods not ready, those pods cannot be evicted and"
                                + " the ready ones may not go either, so node drains hang", "unhealthyPodEvictionPolicy:"
                                + " AlwaysAllow (Kubernetes 1.27 and later)");
                    }
                }),
                new Rule("ZD208", "several PodDisruptionBudgets select the same pods", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        List<AuditObject> bs = c.budgetsOf(w);
                        if (bs.size() > 1) {
                            f.add(Severity.ERROR, w, "metadata.labels", "budgets " + ProbeChecks.names(bs) + " all"
                                    + " select its pods: the eviction API refuses to evict a pod covered by more than"
                                    + " one budget (500), so drains fail", "keep one PodDisruptionBudget per pod");
                        }
                    }
                }),
                new Rule("ZD210", "a single replica with a PodDisruptionBudget", (c, f) -> {
                    for (AuditObject w : c.counted()) {
                        if (c.replicas(w) != 1) {
                            continue;
                        }
                        for (AuditObject b : c.budgetsOf(w)) {
                            PodDisruptionBudget pdb = (PodDisruptionBudget) b.object();
                            boolean blocks = allowed(pdb, 1) <= 0;
                            f.add(blocks ? Severity.ERROR : Severity.WARNING, w, "spec.replicas", "1 replica with "
                                    + b.ref() + " (" + describe(pdb) + ")" + (blocks ? ": its only pod can never be"
                                    + " evicted, so every node drain hangs" : ": a budget cannot keep a single replica"
                                    + " available; every eviction is an outage"), "run at least 2 replicas, or drop"
                                    + " the budget");
                        }
                    }
                }));
    }
}
