package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.zerodrop.cli.Zerodrop;
import io.zerodrop.conformance.DeleteConformance;
import io.zerodrop.workload.ManifestLoader;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The proof on a real cluster: K3s in a container, target-app's image built from its Dockerfile and imported into
 * K3s, the naive and then the hardened overlay applied, one pod deleted under load through the NodePort by
 * {@code zerodrop run --runtime kubernetes}. Naive drops, hardened drops nothing, and the Deployment is as it was.
 * Skipped where no Docker engine exists (the build machine of this repository has none); written to run for real
 * wherever one does (./mvnw verify runs *IT with Failsafe).
 */
class K3sClusterProofIT {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    static K3sContainer k3s;
    static KubernetesClient client;

    @TempDir
    static Path dir;

    @BeforeAll
    static void cluster() throws Exception {
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "no Docker engine here: the K3s cluster proof is skipped");
        String image = new ImageFromDockerfile("zerodrop/target-app:dev", false)
                .withFileFromPath(".", ROOT.resolve("target-app")).get();
        Path tar = dir.resolve("target-app.tar");
        try (InputStream in = DockerClientFactory.instance().client().saveImageCmd(image).exec()) {
            Files.copy(in, tar);
        }
        // the load generator image, for the load from inside the cluster (its jars are the harness's, built before)
        String loadImage = new ImageFromDockerfile("zerodrop/gatling-sims:dev", false)
                .withFileFromPath("Dockerfile", ROOT.resolve("gatling-sims/Dockerfile"))
                .withFileFromPath("harness/target/lib", ROOT.resolve("harness/target/lib")).get();
        Path loadTar = dir.resolve("gatling-sims.tar");
        try (InputStream in = DockerClientFactory.instance().client().saveImageCmd(loadImage).exec()) {
            Files.copy(in, loadTar);
        }
        k3s = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));
        k3s.addExposedPorts(30080);
        k3s.start();
        k3s.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/target-app.tar");
        assertThat(k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/target-app.tar")
                .getExitCode()).isZero();
        k3s.copyFileToContainer(MountableFile.forHostPath(loadTar), "/tmp/gatling-sims.tar");
        assertThat(k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/gatling-sims.tar")
                .getExitCode()).isZero();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (k3s != null) {
            k3s.stop();
        }
    }

    private JsonNode deleteOnePodUnderLoad(String overlay) throws Exception {
        return runUnderLoad(overlay, "cluster-delete.yaml", 0);
    }

    /** Deploys {@code overlay} in a namespace of its own, runs {@code scenario} against it; the Deployment after. */
    private JsonNode runUnderLoad(String overlay, String scenario, int expectedExit) throws Exception {
        return runUnderLoad(overlay, scenario, expectedExit, List.of("--url", "http://" + k3s.getHost() + ":"
                + k3s.getMappedPort(30080)), "");
    }

    private JsonNode runUnderLoad(String overlay, String scenario, int expectedExit, List<String> how, String suffix)
            throws Exception {
        String ns = "zd-" + overlay.replace("-", "") + (scenario.contains("rollout") ? "-rollout" : "-delete") + suffix;
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        try {
            List<HasMetadata> objects = ManifestLoader.render(ROOT.resolve("manifests/overlays").resolve(overlay));
            client.resourceList(objects).inNamespace(ns).create();
            await().atMost(Duration.ofMinutes(3)).until(() -> {
                Deployment d = client.apps().deployments().inNamespace(ns).withName("target-app").get();
                return d.getStatus() != null && d.getStatus().getReadyReplicas() != null
                        && d.getStatus().getReadyReplicas() == 3;
            });
            Deployment before = client.apps().deployments().inNamespace(ns).withName("target-app").get();
            Path kubeconfig = Files.writeString(dir.resolve("kubeconfig-" + overlay), k3s.getKubeConfigYaml());
            Path out = dir.resolve("out-" + overlay + suffix);
            StringWriter o = new StringWriter();
            StringWriter e = new StringWriter();
            List<String> args = new ArrayList<>(List.of("run", ROOT.resolve("harness/scenarios").resolve(scenario)
                    .toString(), "--kubeconfig", kubeconfig.toString(), "--namespace", ns, "--out", out.toString()));
            args.addAll(how);
            int exit = Zerodrop.execute(args.toArray(String[]::new), new PrintWriter(o, true),
                    new PrintWriter(e, true));
            JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
            assertThat(exit).as(e + o.toString()).isEqualTo(scenario.equals("cluster-delete.yaml") && overlay.equals(
                    "naive") ? 1 : expectedExit);
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                Deployment d = client.apps().deployments().inNamespace(ns).withName("target-app").get();
                return d.getStatus().getReadyReplicas() != null && d.getStatus().getReadyReplicas() == 3;
            });
            Deployment after = client.apps().deployments().inNamespace(ns).withName("target-app").get();
            // as it was, except the template annotation a rollout restart sets by design
            if (after.getSpec().getTemplate().getMetadata().getAnnotations() != null) {
                after.getSpec().getTemplate().getMetadata().getAnnotations()
                        .remove("kubectl.kubernetes.io/restartedAt");
                if (after.getSpec().getTemplate().getMetadata().getAnnotations().isEmpty()
                        && before.getSpec().getTemplate().getMetadata().getAnnotations() == null) {
                    after.getSpec().getTemplate().getMetadata().setAnnotations(null);
                }
            }
            assertThat(after.getSpec()).as("the Deployment is as it was").isEqualTo(before.getSpec());
            // nothing of the run is left (a load Job and its generator pods, when the load came from inside)
            await().atMost(Duration.ofMinutes(1)).until(() -> client.batch().v1().jobs().inNamespace(ns).list()
                    .getItems().isEmpty() && client.pods().inNamespace(ns).withLabel("app.kubernetes.io/component",
                    "load-generator").list().getItems().isEmpty());
            return report;
        } finally {
            // the case's own namespace goes with its NodePort Service, also when the case failed: every overlay pins
            // 30080, which the next case needs
            client.namespaces().withName(ns).delete();
            await().atMost(Duration.ofMinutes(3)).until(() -> client.namespaces().withName(ns).get() == null);
        }
    }

    @Test
    void naiveDropsAndHardenedDropsNothingWhenAPodIsDeletedInACluster() throws Exception {
        JsonNode naive = deleteOnePodUnderLoad("naive");
        DeleteConformance.assertConforms(naive);
        assertThat(naive.path("requests").path("failed").asLong()).isPositive();
        assertThat(naive.path("timeline").findValuesAsText("type")).contains("POD_MARKED_FOR_DELETION",
                "CONTAINER_EXITED", "ENDPOINT_TERMINATING");
        JsonNode hardened = deleteOnePodUnderLoad("hardened");
        assertThat(hardened.path("requests").path("failed").asLong()).isZero();
        assertThat(hardened.path("verdict").path("status").asText()).isEqualTo("PASSED");
        DeleteConformance.assertConforms(hardened);
        // hardened keeps accepting through its 5 s preStop: the X-Served-By answers show when the nodes stopped
        // routing to it, measured
        JsonNode routing = null;
        for (JsonNode e : hardened.path("timeline")) {
            if (e.path("type").asText().equals("ROUTING_STOPPED")) {
                routing = e;
            }
        }
        assertThat(routing).as("routing stopped of the deleted pod").isNotNull();
        assertThat(routing.path("attributes").path("source").asText()).as(routing.toString())
                .isEqualTo("response-header");
    }

    /**
     * The same deletion with the load from inside the cluster: two generator pods of an Indexed Job send to the
     * Service's cluster address (no URL given); naive drops, hardened drops nothing, the Job is gone afterwards.
     */
    @Test
    void withTheLoadFromTwoGeneratorPodsNaiveDropsAndHardenedDropsNothing() throws Exception {
        List<String> inside = List.of("--load-from", "cluster", "--generators", "2");
        JsonNode naive = runUnderLoad("naive", "cluster-delete.yaml", 1, inside, "-job");
        JsonNode hardened = runUnderLoad("hardened", "cluster-delete.yaml", 0, inside, "-job");
        for (JsonNode r : List.of(naive, hardened)) {
            DeleteConformance.assertConforms(r);
            JsonNode gens = r.path("header").path("settings").path("loadGenerators");
            assertThat(gens).hasSize(2);
            assertThat(gens.findValuesAsText("where")).allMatch(w -> w.startsWith("node "));
            assertThat(r.path("header").path("settings").path("runtime").path("trafficUrl").asText())
                    .startsWith("http://target-app.");
        }
        assertThat(naive.path("requests").path("failed").asLong()).isPositive();
        assertThat(hardened.path("requests").path("failed").asLong()).isZero();
        assertThat(hardened.path("verdict").path("status").asText()).isEqualTo("PASSED");
    }

    /** The rollout scenario through the NodePort: every pod replaced, hardened drops nothing, the rollout credited. */
    @Test
    void aRolloutRestartOfTheHardenedWorkloadDropsNothingInACluster() throws Exception {
        JsonNode report = runUnderLoad("hardened", "cluster-rollout.yaml", 0);
        assertThat(report.path("requests").path("failed").asLong()).isZero();
        assertThat(report.path("timeline").findValuesAsText("type")).contains("ROLLOUT_PROGRESS", "ROLLOUT_COMPLETE");
        assertThat(report.path("header").path("settings").path("runtime").path("rollout").asText())
                .startsWith("at most 1 pods beyond the desired count and 0 desired replicas unavailable");
    }
}
