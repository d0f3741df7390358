package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.runtime.kubernetes.MockCluster;
import io.zerodrop.runtime.kubernetes.ScriptedCluster;
import io.zerodrop.testsupport.AppProcess;
import io.zerodrop.testsupport.HostTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zerodrop run --runtime kubernetes --deploy} against the mock API server (the controllers and the kubelet
 * played by the test): the naive overlay is created in a namespace of the run's own, disrupted, and the namespace
 * deleted at the end; what cannot be deployed safely is refused before anything is created.
 */
@Tag("slow")
class DeployRunTest {
    private static final Path NAIVE = Path.of(System.getProperty("user.dir")).resolveSibling("manifests/overlays/naive");

    @TempDir
    Path dir;
    @RegisterExtension
    final MockCluster mock = MockCluster.empty().controllers(true);
    ScriptedCluster cluster;
    KubernetesClient client;
    Path kubeconfig;

    @BeforeEach
    void cluster() throws Exception {
        cluster = mock.cluster();
        client = mock.client();
        kubeconfig = cluster.kubeconfig(dir, "staging", "default");
    }

    private Path scenario(Path manifests) throws Exception {
        return Files.writeString(dir.resolve("deploy.yaml"), String.join("\n",
                "name: deploy naive and delete a pod",
                "target: {manifests: " + manifests + ", runtime: kubernetes}",
                "traffic: {simulation: steady, rate: 20, warmup: 1s, duration: 4s}",
                "disruptions:",
                "  - {id: delete-1, action: delete, select: {mode: oldest, count: 1}, at: 1s}", ""));
    }

    @Test
    void theManifestsAreCreatedInTheRunsOwnNamespaceAndItIsDeletedAfterwards() throws Exception {
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
        try (AppProcess app = AppProcess.start(AppProcess.env())) {
            int port = app.awaitListening();
            Path out = dir.resolve("out");
            Cli r = Cli.run("run", scenario(NAIVE).toString(), "--deploy", "--kubeconfig", kubeconfig.toString(),
                    "--url", "http://127.0.0.1:" + port, "--out", out.toString());
            assertThat(r.exitCode()).as(r.err() + r.out()).isEqualTo(ExitCodes.PASSED);
            List<ScriptedCluster.Call> created = cluster.mutations().stream().filter(c -> c.method().equals("POST")
                    && !c.path().contains("selfsubjectaccessreviews")).toList();
            assertThat(created.get(0).path()).isEqualTo("/api/v1/namespaces");
            String ns = new ObjectMapper().readTree(created.get(0).body()).at("/metadata/name").asText();
            assertThat(ns).matches("zerodrop-\\d{8}-\\d{6}-[0-9a-f]{8}");
            String runId = ns.substring("zerodrop-".length());
            assertThat(created.get(0).body()).contains("\"zerodrop.io/run\"", "\"app.kubernetes.io/managed-by\":"
                    + "\"zerodrop\"");
            assertThat(created.subList(1, 5)).extracting(ScriptedCluster.Call::path).containsExactly(
                    "/api/v1/namespaces/" + ns + "/serviceaccounts", "/api/v1/namespaces/" + ns + "/services",
                    "/api/v1/namespaces/" + ns + "/services", "/apis/apps/v1/namespaces/" + ns + "/deployments");
            assertThat(cluster.mutations()).filteredOn(c -> c.method().equals("DELETE")).extracting(
                    ScriptedCluster.Call::path).startsWith("/api/v1/namespaces/" + ns + "/pods/target-app-1")
                    .endsWith("/api/v1/namespaces/" + ns);
            assertThat(client.namespaces().withName(ns).get()).as("the run's namespace is gone").isNull();
            JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
            assertThat(report.path("steps").findValuesAsText("name")).contains("undo: delete namespace " + ns
                    + " (created for the run, with everything in it)");
            // the controller does not say which pod replaced which: the first pod created after the deletion is taken
            assertThat(report.path("terminations").get(0).path("pod").asText()).isEqualTo("target-app-1");
            assertThat(report.path("terminations").get(0).path("replacement").asText()).matches("target-app-\\d+")
                    .isNotEqualTo("target-app-1");
            assertThat(report.at("/header/run").asText()).as("one id: the namespace's and the report's")
                    .isEqualTo(runId);
            assertThat(new ObjectMapper().readTree(created.get(0).body()).at("/metadata/labels")
                    .path("zerodrop.io/run").asText()).isEqualTo(runId);
            JsonNode rt = report.path("header").path("settings").path("runtime");
            assertThat(rt.path("namespace").asText()).isEqualTo(ns);
            assertThat(rt.path("target").asText()).isEqualTo("Deployment target-app (deployed for the run)");
        }
    }

    @Test
    void whatCannotBeDeployedSafelyIsRefusedBeforeAnythingIsCreated() throws Exception {
        Path files = Files.createDirectories(dir.resolve("m"));
        String deployment = String.join("\n", "apiVersion: apps/v1", "kind: Deployment", "metadata: {name: web}",
                "spec:", "  replicas: 2", "  selector: {matchLabels: {app: web}}", "  template:",
                "    metadata: {labels: {app: web}}", "    spec: {containers: [{name: web, image: 'shop/web:1',"
                + " ports: [{containerPort: 8080}]}]}", "---", "apiVersion: v1", "kind: Service",
                "metadata: {name: web}", "spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}", "");
        Files.writeString(files.resolve("a.yaml"), deployment + "---\napiVersion: rbac.authorization.k8s.io/v1\n"
                + "kind: ClusterRole\nmetadata: {name: reader}\nrules: []\n");
        Cli clusterScoped = Cli.run("run", scenario(files).toString(), "--deploy", "--kubeconfig", kubeconfig.toString(),
                "--url", "http://127.0.0.1:1");
        assertThat(clusterScoped.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(clusterScoped.err()).contains("ClusterRole reader in " + files + " is cluster-scoped: --deploy"
                + " creates only namespaced objects");

        Files.writeString(files.resolve("a.yaml"), deployment.replace("metadata: {name: web}\nspec:\n  replicas",
                "metadata: {name: web, namespace: prod}\nspec:\n  replicas"));
        Cli elsewhere = Cli.run("run", scenario(files).toString(), "--deploy", "--kubeconfig", kubeconfig.toString(),
                "--url", "http://127.0.0.1:1");
        assertThat(elsewhere.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(elsewhere.err()).contains("Deployment web in " + files + " names namespace \"prod\"");

        Files.writeString(files.resolve("a.yaml"), deployment);
        Cli withNamespace = Cli.run("run", scenario(files).toString(), "--deploy", "--kubeconfig",
                kubeconfig.toString(), "--url", "http://127.0.0.1:1", "-n", "shop");
        assertThat(withNamespace.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(withNamespace.err()).contains("--namespace cannot be combined with --deploy");

        Cli local = Cli.run("run", scenario(files).toString(), "--deploy", "--runtime", "local");
        assertThat(local.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(local.err()).contains("--deploy applies to --runtime kubernetes");

        Cli noUrl = Cli.run("run", scenario(files).toString(), "--deploy", "--kubeconfig", kubeconfig.toString());
        assertThat(noUrl.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noUrl.err()).contains("no traffic URL: give --url");
        // the load from inside the cluster goes to the Service's cluster address: no URL needed, on any cluster
        Cli inside = Cli.run("run", scenario(files).toString(), "--deploy", "--kubeconfig", kubeconfig.toString(),
                "--load-from", "cluster", "--dry-run");
        assertThat(inside.exitCode()).as(inside.err()).isZero();
        assertThat(inside.out()).contains("load from  inside the cluster: 1 generator(s)");

        cluster.denied.add("create namespaces");
        Cli forbidden = Cli.run("run", scenario(files).toString(), "--deploy", "--kubeconfig", kubeconfig.toString(),
                "--url", "http://127.0.0.1:1");
        assertThat(forbidden.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(forbidden.err()).contains("missing permission(s)", "create namespaces (cluster-wide)");
        cluster.denied.clear();

        Cli dry = Cli.run("run", scenario(files).toString(), "--deploy", "--kubeconfig", kubeconfig.toString(),
                "--url", "http://127.0.0.1:1", "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("deploy     POST /api/v1/namespaces zerodrop-", "; its DELETE registered first",
                "deploy     POST apps/v1 Deployment web into zerodrop-", "deploy     POST v1 Service web into");

        assertThat(cluster.mutations()).as("nothing was created").allMatch(c -> c.path().contains(
                "selfsubjectaccessreviews") || c.body().contains("observedGeneration"));
    }
}
