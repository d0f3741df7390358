package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.zerodrop.runtime.kubernetes.ScriptedCluster;
import io.zerodrop.testsupport.AppProcess;
import io.zerodrop.testsupport.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGINT in the middle of a cluster run that changed the workload three ways — settings under test patched into
 * the Deployment, a PodDisruptionBudget created for the run, the Deployment scaled down by a step — leaves the
 * cluster as it was before the run, exits 130, and still writes what the run knew, undo steps included.
 */
@Tag("slow")
class ClusterRunInterruptTest {
    @TempDir
    Path dir;

    @Test
    void sigintMidRunPutsTheClusterBackAsItWas() throws Exception {
        try (ScriptedCluster cluster = new ScriptedCluster(); KubernetesClient client = cluster.client();
                AutoCloseable controllers = startControllers(cluster, client);
                AppProcess app = AppProcess.start(AppProcess.env())) {
            int port = app.awaitListening();
            Deployment before = client.apps().deployments().inNamespace("shop").withName("web").get();
            Path kubeconfig = cluster.kubeconfig(dir, "staging", "shop");
            Path scenario = Files.writeString(dir.resolve("s.yaml"), String.join("\n",
                    "name: interrupted",
                    "target: {workload: deployment/web, namespace: shop}",
                    "traffic: {simulation: steady, rate: 20, warmup: 1s, duration: 60s}",
                    "settings:",
                    "  preStopSleepSeconds: 5",
                    "  terminationGracePeriodSeconds: 40",
                    "  podDisruptionBudget: {minAvailable: 2}",
                    "disruptions:",
                    "  - {id: down, action: scale, by: -1, hold: 50s, at: 1s}", ""));
            Path out = dir.resolve("out");
            Path err = dir.resolve("err.txt");
            Process zerodrop = new ProcessBuilder(ChildJvm.command(List.of(),
                    Zerodrop.class.getName(), "run", scenario.toString(), "--kubeconfig", kubeconfig.toString(), "--url",
                    "http://127.0.0.1:" + port, "--out", out.toString())).redirectError(err.toFile())
                    .redirectOutput(dir.resolve("out.txt").toFile()).start();
            try {
                // mid-run: the settings are in, the budget exists, the step has scaled down
                // (the scale carries its record, what to set back, in the same request)
                await().atMost(Duration.ofSeconds(90)).until(() -> cluster.mutations().stream().anyMatch(c ->
                        c.method().equals("PATCH") && c.body().contains("zerodrop.io/undo-")
                        && c.body().endsWith("\"spec\":{\"replicas\":2}}")));
                Deployment during = client.apps().deployments().inNamespace("shop").withName("web").get();
                assertThat(during.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(40);
                assertThat(client.policy().v1().podDisruptionBudget().inNamespace("shop").withName("web-zerodrop")
                        .get()).isNotNull();

                new ProcessBuilder("kill", "-INT", String.valueOf(zerodrop.pid())).start().waitFor();
                assertThat(zerodrop.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(zerodrop.exitValue()).as(Files.readString(err)).isEqualTo(130);
            } finally {
                zerodrop.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                zerodrop.destroyForcibly();
            }
            Deployment after = client.apps().deployments().inNamespace("shop").withName("web").get();
            assertThat(Serialization.asJson(after.getSpec())).as("the Deployment's spec as before the run")
                    .isEqualTo(Serialization.asJson(before.getSpec()));
            assertThat(client.policy().v1().podDisruptionBudget().inNamespace("shop").list().getItems())
                    .as("the budget created for the run is gone").isEmpty();
            assertThat(after.getMetadata().getAnnotations()).as("the run's records went with its reverts")
                    .isNullOrEmpty();
            assertThat(client.leases().inNamespace("shop").list().getItems()).as("and its Lease last").isEmpty();
            JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
            assertThat(report.path("steps").findValuesAsText("name")).contains(
                    "undo: scale Deployment web back to 3 replicas",
                    "undo: delete PodDisruptionBudget web-zerodrop (created for the run)",
                    "undo: revert the settings under test on Deployment web");
        }
    }

    private static AutoCloseable startControllers(ScriptedCluster cluster, KubernetesClient client) {
        cluster.shop(client, Map.of(), 3, 3);
        return cluster.controllers(client);
    }
}
