package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Replicas, update strategy and spreading: whether one change or one node can take every pod down. */
final class RolloutChecks {
    private RolloutChecks() {
    }

    /** A maxSurge / maxUnavailable as a pod count: surge rounds up, unavailable rounds down, as the controller does. */
    static int pods(IntOrString v, int replicas, boolean roundUp, int dflt) {
        if (v == null) {
            return dflt;
        }
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        double p = Double.parseDouble(v.getStrVal().replace("%", "").trim()) * replicas / 100.0;
        return (int) (roundUp ? Math.ceil(p) : Math.floor(p));
    }

    /** 0 or "0%": what the API server's validation refuses for both fields at once. */
    static boolean literalZero(IntOrString v) {
        return v != null && (Integer.valueOf(0).equals(v.getIntVal()) || "0%".equals(v.getStrVal()));
    }

    /**
     * A spread or anti-affinity term's selector as the scheduler applies it: its labelSelector with the pod's own
     * values of {@code matchLabelKeys} added; a term without labelSelector selects no pod.
     */
    private static LabelSelector withKeys(LabelSelector selector, List<String> keys, Map<String, String> own) {
        if (selector == null || keys == null || keys.isEmpty()) {
            return selector;
        }
        Map<String, String> labels = new HashMap<>(selector.getMatchLabels() == null ? Map.of()
                : selector.getMatchLabels());
        keys.stream().filter(own::containsKey).forEach(k -> labels.put(k, own.get(k)));
        return new LabelSelector(selector.getMatchExpressions(), labels);
    }

    /**
     * Whether an affinity term counts pods of the workload's own namespace: with neither {@code namespaces} nor
     * {@code namespaceSelector} it counts the pod's own namespace; a namespaceSelector may take any namespace (its
     * labels are not in the input, so it is given the benefit); a {@code namespaces} list alone must name it. A
     * workload that names no namespace is given the benefit too.
     */
    static boolean inOwnNamespace(PodAffinityTerm t, String namespace) {
        if (t.getNamespaceSelector() != null || t.getNamespaces() == null || t.getNamespaces().isEmpty()
                || namespace.isEmpty()) {
            return true;
        }
        return t.getNamespaces().contains(namespace);
    }

    /**
     * The rollout checks in id order.
     *
     * <p>Size: a table of 4 rules, each entry a short check of its own, read top to bottom like the README's list.
     */
    static List<AuditCheck> all() {
        return List.of(
                new Rule("ZD106", "update strategy replaces every pod at once", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        if (w.object() instanceof Deployment d && d.getSpec().getStrategy() != null
                                && "Recreate".equals(d.getSpec().getStrategy().getType())) {
                            f.add(Severity.WARNING, w, "spec.strategy.type", "Recreate stops every pod before starting"
                                    + " the new ones: each rollout is an outage", "type: RollingUpdate with"
                                    + " maxUnavailable: 0, maxSurge: 1");
                        } else if (w.object() instanceof StatefulSet s && s.getSpec().getUpdateStrategy() != null
                                && "OnDelete".equals(s.getSpec().getUpdateStrategy().getType())) {
                            f.add(Severity.WARNING, w, "spec.updateStrategy.type", "OnDelete leaves updates to whoever"
                                    + " deletes the pods, with no readiness gate between them", "type: RollingUpdate");
                        }
                    }
                }),
                new Rule("ZD107", "a single replica", (c, f) -> {
                    for (AuditObject w : c.counted()) {
                        if (c.servicesOf(w).isEmpty()) {
                            continue; // a worker no Service selects drops no request when it is down
                        }
                        if (w.workload().pods() == Workload.Pods.BARE) {
                            f.add(Severity.WARNING, w, "kind", "a Pod no controller owns: once it is deleted, evicted"
                                    + " or its node drained, nothing recreates it, and its Service has no endpoint"
                                    + " from then on", "run it from a Deployment (or StatefulSet) with 2 or more"
                                    + " replicas");
                        } else if (c.replicas(w) < 2) {
                            f.add(Severity.WARNING, w, "spec.replicas", c.replicas(w) + " replica" + c.replicasBasis(w)
                                    + ": every"
                                    + " deletion, eviction or node drain leaves the Service without an endpoint",
                                    "replicas: 2 or more");
                        }
                    }
                }),
                new Rule("ZD108", "replicas not spread over nodes", (c, f) -> {
                    for (AuditObject w : c.counted()) {
                        PodSpec p = AuditContext.podSpec(w);
                        Map<String, String> own = AuditContext.podLabels(w);
                        List<LabelSelector> spreads = p.getTopologySpreadConstraints() == null ? List.of()
                                : p.getTopologySpreadConstraints().stream().map(t -> withKeys(t.getLabelSelector(),
                                t.getMatchLabelKeys(), own)).toList();
                        var anti = p.getAffinity() == null ? null : p.getAffinity().getPodAntiAffinity();
                        List<LabelSelector> antis = new ArrayList<>();
                        List<PodAffinityTerm> terms = new ArrayList<>();
                        if (anti != null && anti.getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
                            terms.addAll(anti.getRequiredDuringSchedulingIgnoredDuringExecution());
                        }
                        if (anti != null && anti.getPreferredDuringSchedulingIgnoredDuringExecution() != null) {
                            anti.getPreferredDuringSchedulingIgnoredDuringExecution().forEach(t -> terms.add(
                                    t.getPodAffinityTerm()));
                        }
                        for (PodAffinityTerm t : terms) {
                            antis.add(t == null || !inOwnNamespace(t, w.namespace()) ? null
                                    : withKeys(t.getLabelSelector(), t.getMatchLabelKeys(), own));
                        }
                        boolean elsewhere = terms.stream().anyMatch(t -> t != null && !inOwnNamespace(t,
                                w.namespace()));
                        boolean spread = spreads.stream().anyMatch(s -> Selectors.selects(s, own));
                        boolean antiAffinity = antis.stream().anyMatch(s -> Selectors.selects(s, own));
                        // either one counts — when its selector counts the workload's own pods
                        if (c.replicas(w) >= 2 && !spread && !antiAffinity && !(spreads.isEmpty() && antis
                                .isEmpty())) {
                            f.add(Severity.WARNING, w, AuditContext.podSpecPath(w) + (spreads.isEmpty()
                                    ? ".affinity.podAntiAffinity" : ".topologySpreadConstraints"), "its "
                                    + (spreads.isEmpty() ? "podAntiAffinity terms select" : "topologySpreadConstraints"
                                    + " select") + " none of its own pods (labels " + own + (elsewhere ? " in namespace "
                                    + w.namespace() + "; a term whose namespaces leave that out counts only pods of"
                                    + " those" : "") + "): the scheduler counts other pods, so these replicas may all"
                                    + " land on one node, and draining it takes them all", (elsewhere ? "namespaces"
                                    + " that include " + w.namespace() + " (or none), and " : "") + "a labelSelector"
                                    + " that matches the pod template's labels (e.g. " + AuditContext.selectorLabels(w)
                                    + ")");
                        } else if (c.replicas(w) >= 2 && !spread && !antiAffinity) {
                            f.add(Severity.WARNING, w, AuditContext.podSpecPath(w) + ".topologySpreadConstraints", "neither"
                                    + " topologySpreadConstraints nor podAntiAffinity: the scheduler may put every"
                                    + " replica on one node, and draining it takes them all", "topologySpreadConstraints"
                                    + " with topologyKey kubernetes.io/hostname, maxSkew 1 (or a podAntiAffinity)");
                        }
                    }
                }),
                new Rule("ZD209", "a rolling update that may take every pod down", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        if (!(w.object() instanceof Deployment d) || d.getSpec().getStrategy() == null
                                || d.getSpec().getStrategy().getRollingUpdate() == null) {
                            continue;
                        }
                        int replicas = c.replicas(w);
                        var ru = d.getSpec().getStrategy().getRollingUpdate();
                        if (literalZero(ru.getMaxSurge()) && literalZero(ru.getMaxUnavailable())) {
                            f.add(Severity.ERROR, w, "spec.strategy.rollingUpdate", "maxSurge and maxUnavailable are"
                                    + " both 0: the API server refuses it and no rollout can progress", "maxSurge: 1");
                            continue;
                        }
                        int surge = pods(ru.getMaxSurge(), replicas, true, (int) Math.ceil(replicas * 0.25));
                        int unavailable = pods(ru.getMaxUnavailable(), replicas, false, replicas / 4);
                        if (surge == 0 && unavailable == 0) {
                            unavailable = 1; // the controller's ResolveFenceposts: a percentage rounded down to 0
                        }
                        if (unavailable >= replicas) {
                            f.add(Severity.ERROR, w, "spec.strategy.rollingUpdate", "maxSurge " + surge
                                    + " and maxUnavailable " + unavailable + " (of " + replicas + " replicas, as the"
                                    + " controller rounds them): a rollout may stop every old pod before a new one is"
                                    + " ready", "maxUnavailable: 0 with maxSurge: 1, or at least keep maxUnavailable"
                                    + " below the replica count");
                        }
                    }
                }));
    }
}
