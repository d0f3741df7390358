package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zerodrop.core.ZerodropException;
import java.util.List;
import java.util.Map;

/**
 * The workload under test in a cluster, found as it is (attach: nothing is changed): the Deployment or StatefulSet
 * named by the scenario's {@code workload} ({@code deployment/<name>}), the label selector of its pods, the
 * Services whose selector matches those pods (their EndpointSlices carry {@code kubernetes.io/service-name}) and the
 * PodDisruptionBudgets that select them.
 */
public record ClusterTarget(String kind, String name, String namespace, Map<String, String> selector,
        Map<String, String> podLabels, int replicas, List<String> services, List<String> budgets) {

    /** Whether the target is a Deployment (its rollouts, scale and settings under test are zerodrop's to drive). */
    public boolean deployment() {
        return kind.equals("Deployment");
    }

    /** Whether the target is a StatefulSet (its pods come back under their own names). */
    public boolean statefulSet() {
        return kind.equals("StatefulSet");
    }

    /** Finds {@code workload} ("deployment/name" or "statefulset/name") in the cluster's namespace. */
    public static ClusterTarget find(KubernetesClient client, String namespace, String workload) {
        String[] kn = workload.split("/", 2);
        if (kn.length != 2 || !(kn[0].equals("deployment") || kn[0].equals("statefulset"))) {
            throw ZerodropException.usage("workload \"" + workload + "\" is invalid: expected deployment/<name> or"
                    + " statefulset/<name>");
        }
        LabelSelector selector;
        Map<String, String> podLabels;
        int replicas;
        String kind;
        if (kn[0].equals("deployment")) {
            Deployment d = Reads.read("reading Deployment " + kn[1] + " in namespace " + namespace,
                    () -> client.apps().deployments().inNamespace(namespace).withName(kn[1]).get());
            if (d == null) {
                throw ZerodropException.usage("no Deployment named \"" + kn[1] + "\" in namespace " + namespace
                        + " (Deployments there: " + client.apps().deployments().inNamespace(namespace).list().getItems()
                        .stream().map(x -> x.getMetadata().getName()).sorted().toList() + ")");
            }
            kind = "Deployment";
            selector = d.getSpec().getSelector();
            podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
            replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        } else {
            StatefulSet s = Reads.read("reading StatefulSet " + kn[1] + " in namespace " + namespace,
                    () -> client.apps().statefulSets().inNamespace(namespace).withName(kn[1]).get());
            if (s == null) {
                throw ZerodropException.usage("no StatefulSet named \"" + kn[1] + "\" in namespace " + namespace
                        + " (StatefulSets there: " + client.apps().statefulSets().inNamespace(namespace).list()
                        .getItems().stream().map(x -> x.getMetadata().getName()).sorted().toList() + ")");
            }
            kind = "StatefulSet";
            selector = s.getSpec().getSelector();
            podLabels = s.getSpec().getTemplate().getMetadata().getLabels();
            replicas = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
        }
        if (selector == null || selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty()
                || (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty())) {
            throw ZerodropException.usage(kind + " " + kn[1] + " selects its pods with matchExpressions: zerodrop"
                    + " needs a matchLabels-only selector to be sure it only ever touches this workload's pods");
        }
        Map<String, String> labels = podLabels == null ? Map.of() : podLabels;
        List<String> services = Reads.read("listing the Services in namespace " + namespace,
                () -> client.services().inNamespace(namespace).list()).getItems().stream()
                .filter(s -> selects(s, labels)).map(s -> s.getMetadata().getName()).sorted().toList();
        List<String> budgets = Reads.read("listing the PodDisruptionBudgets in namespace " + namespace,
                () -> client.policy().v1().podDisruptionBudget().inNamespace(namespace).list()).getItems().stream().filter(b -> selects(b, labels)).map(b -> b.getMetadata().getName()).sorted().toList();
        return new ClusterTarget(kind, kn[1], namespace, Map.copyOf(selector.getMatchLabels()), Map.copyOf(labels),
                replicas, services, budgets);
    }

    private static boolean selects(Service s, Map<String, String> labels) {
        Map<String, String> sel = s.getSpec() == null ? null : s.getSpec().getSelector();
        return sel != null && !sel.isEmpty() && labels.entrySet().containsAll(sel.entrySet());
    }

    private static boolean selects(PodDisruptionBudget b, Map<String, String> labels) {
        LabelSelector sel = b.getSpec() == null ? null : b.getSpec().getSelector();
        if (sel == null) {
            return false;
        }
        boolean labelsMatch = sel.getMatchLabels() == null || labels.entrySet().containsAll(sel.getMatchLabels()
                .entrySet());
        boolean expressionsMatch = sel.getMatchExpressions() == null || sel.getMatchExpressions().stream()
                .allMatch(e -> switch (e.getOperator()) {
                    case "In" -> e.getValues().contains(labels.get(e.getKey()));
                    case "NotIn" -> !e.getValues().contains(labels.get(e.getKey()));
                    case "Exists" -> labels.containsKey(e.getKey());
                    case "DoesNotExist" -> !labels.containsKey(e.getKey());
                    default -> false;
                });
        return labelsMatch && expressionsMatch;
    }
}
