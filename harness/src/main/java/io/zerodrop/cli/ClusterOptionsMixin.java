package io.zerodrop.cli;

import io.zerodrop.engine.RunRequest;
import io.zerodrop.runtime.kubernetes.ClusterOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    /** A run's request with these cluster options (null where not given: the scenario's or the runtime's default). */
    RunRequest request(Path scenarioFile, long seed, List<String> images, String url, boolean deploy,
            Duration startBudget) {
        return new RunRequest(scenarioFile, seed, images, url, deploy, kubeconfig, context, namespace, startBudget);
    }

    ClusterOptions options() {
        return new ClusterOptions(kubeconfig, context, namespace);
    }
}
