package io.zerodrop.cli;

import io.zerodrop.runtime.kubernetes.ClusterOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --kubeconfig}, {@code --context}, {@code --namespace}: how every command reaches a cluster. */
final class ClusterOptionsMixin {
    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubernetes runtime: the kubeconfig. Default: $KUBECONFIG, ~/.kube/config, or the in-cluster"
                    + " service account.")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "Kubernetes runtime: the kubeconfig context."
            + " Default: the current one.")
    String context;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Kubernetes runtime: the workload's"
            + " namespace; overrides the scenario's target.namespace.")
    String namespace;

    ClusterOptions options() {
        return new ClusterOptions(kubeconfig, context, namespace);
    }
}
