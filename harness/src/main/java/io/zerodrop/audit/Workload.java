package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

/**
 * What the checks read of an object that runs pods, whatever its kind: its pod template (a bare Pod is its own),
 * where that template sits in the object ({@code spec.template}, or nothing for a Pod), its selector and how many
 * pods it keeps.
 *
 * @param replicas the object's own count, null when it sets none (then 1, unless an autoscaler sets the floor)
 */
public record Workload(PodTemplateSpec template, String templatePath, LabelSelector selector, Integer replicas,
        Pods pods) {

    /** How the workload keeps its pods, which decides the checks about counts, budgets and spreading. */
    public enum Pods {
        /** A replica count (Deployment, StatefulSet, ReplicaSet, ReplicationController, Argo Rollout). */
        REPLICAS,
        /** One pod per eligible node (DaemonSet): no count, and node drains pass over its pods. */
        PER_NODE,
        /** A Pod no controller owns: nothing recreates it once it is evicted or its node drained. */
        BARE
    }

    /** "spec.template.spec", or "spec" for a bare Pod. */
    public String podSpecPath() {
        return templatePath.isEmpty() ? "spec" : templatePath + ".spec";
    }

    /** Whether its pods have a count the replica, budget and spread checks can reason about. */
    public boolean counted() {
        return pods != Pods.PER_NODE;
    }
}
