package io.zerodrop.findings;

import io.zerodrop.workload.Workload;
import java.util.Map;

/**
 * Fixes as kustomize patches: strategic-merge patches of the workload (containers merge by name, so only the named
 * fields change) or of its PodDisruptionBudget, or a new object to add to the kustomization's resources. Each
 * starts with a comment saying what it fixes and how to use it.
 */
final class Patches {
    private Patches() {
    }

    private static String header(String code, String why) {
        return "# zerodrop finding " + code + ": " + why + "\n"
                + "# Use it as a kustomize patch: add `patches: [{path: <this file>}]` to your kustomization.yaml\n";
    }

    /** Fields of the workload's container ({@code containerYaml} indented under the container's name). */
    static String container(Workload w, String code, String why, String containerYaml) {
        if (w.container() == null || w.container().isEmpty()) {
            return null;
        }
        return header(code, why) + "apiVersion: apps/v1\nkind: " + w.kind() + "\nmetadata:\n  name: " + w.name()
                + "\nspec:\n  template:\n    spec:\n      containers:\n        - name: " + w.container() + "\n"
                + containerYaml.indent(10);
    }

    /** A pod-spec field of the workload (e.g. the grace period). */
    static String podSpec(Workload w, String code, String why, String podSpecYaml) {
        return header(code, why) + "apiVersion: apps/v1\nkind: " + w.kind() + "\nmetadata:\n  name: " + w.name()
                + "\nspec:\n  template:\n    spec:\n" + podSpecYaml.indent(6);
    }

    /** The workload's budget set to let one pod go at a time (minAvailable removed). */
    static String budgetOneAtATime(String budget, String code, String why) {
        return header(code, why) + "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: " + budget
                + "\nspec:\n  minAvailable: null\n  maxUnavailable: 1\n";
    }

    /** A new budget for the workload: add it to the kustomization's resources, not its patches. */
    static String newBudget(Workload w, String code, String why) {
        StringBuilder labels = new StringBuilder();
        w.podLabels().entrySet().stream().sorted(Map.Entry.comparingByKey()).filter(e -> !e.getKey()
                .equals("version")).forEach(e -> labels.append("      ").append(e.getKey()).append(": \"")
                .append(e.getValue()).append("\"\n"));
        return "# zerodrop finding " + code + ": " + why + "\n"
                + "# A new object: add this file to `resources:` in your kustomization.yaml\n"
                + "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: " + w.name() + "\nspec:\n"
                + "  maxUnavailable: 1\n  selector:\n    matchLabels:\n" + labels;
    }
}
