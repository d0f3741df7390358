package io.zerodrop.runtime.kubernetes;

import java.nio.file.Path;

/**
 * How to reach a cluster: a kubeconfig file (null: {@code $KUBECONFIG} or {@code ~/.kube/config}, or the
 * in-cluster service account when zerodrop runs as a pod), a context (null: the current one) and a namespace
 * (null: the scenario's, else the context's).
 */
public record ClusterOptions(Path kubeconfig, String context, String namespace) {
    public static ClusterOptions defaults() {
        return new ClusterOptions(null, null, null);
    }
}
