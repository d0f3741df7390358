package io.zerodrop.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the command line says about one run beyond the scenario, for a runtime provider to read what applies to it:
 * the seed, local image commands, the load's entry URL, whether to deploy, how to reach a cluster, and how long the
 * workload may take to be ready (null fields: the scenario's or the runtime's default).
 */
public record RunRequest(Path scenarioFile, long seed, List<String> images, String url, boolean deploy,
        Path kubeconfig, String context, String namespace, Duration startBudget) {
    public RunRequest {
        images = List.copyOf(images);
    }
}
