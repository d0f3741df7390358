package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zerodrop.conformance.DeleteConformance;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.runtime.kubernetes.JobPlayer;
import io.zerodrop.runtime.kubernetes.MockCluster;
import io.zerodrop.runtime.kubernetes.ScriptedCluster;
import io.zerodrop.testsupport.AppProcess;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.assertj.core.groups.Tuple;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zerodrop run --runtime kubernetes} against fabric8's mock API server: each way a run is refused before
 * anything changes exits with its code and names the thing; a dry run lists the calls and makes none; a whole run
 * (real Gatling load to a local target-app standing in for the Ingress) deletes through the API and reports.
 */
@Tag("slow")
class KubernetesRunCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final MockCluster mock = MockCluster.shop(3, 3);
    ScriptedCluster cluster;
    KubernetesClient client;
    Path kubeconfig;

    @BeforeEach
    void cluster() throws Exception {
        cluster = mock.cluster();
        client = mock.client();
        kubeconfig = cluster.kubeconfig(dir, "staging", "shop");
        cluster.calls.clear();
    }

    private Path scenario(String namespace, String workload, String disruption) throws Exception {
        return Files.writeString(dir.resolve("k8s.yaml"), String.join("\n",
                "name: delete one pod of web",
                "target:",
                "  workload: " + workload,
                "  namespace: " + namespace,
                "traffic:",
                "  simulation: steady",
                "  rate: 20",
                "  warmup: 1s",
                "  duration: 4s",
                "disruptions:",
                "  - id: delete-1",
                "    action: " + disruption,
                "    select: {mode: oldest, count: 1}",
                "    at: 1s", ""));
    }

    private Cli run(Path scenario, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", scenario.toString(),
                "--kubeconfig", kubeconfig.toString(), "--url", "http://10.96.0.10"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void eachRefusalBeforeAnyChangeHasItsExitCodeAndNamesTheThing() throws Exception {
        Cli system = run(scenario("kube-system", "deployment/web", "delete"));
        assertThat(system.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(system.err()).contains("namespace \"kube-system\" is protected");
        assertThat(cluster.calls).as("no API call at all").isEmpty();

        Cli labelled = run(scenario("payments", "deployment/web", "delete"));
        assertThat(labelled.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(labelled.err()).contains("labelled zerodrop.io/protected=true");

        Cli badName = run(scenario("shop", "deployment/wbe", "delete"));
        assertThat(badName.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badName.err()).contains("no Deployment named \"wbe\" in namespace shop (Deployments there: [web])");

        cluster.denied.add("delete pods");
        Cli forbidden = run(scenario("shop", "deployment/web", "delete"));
        assertThat(forbidden.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(forbidden.err()).contains("missing permission(s) in namespace shop: delete pods", "manifests/rbac");
        cluster.denied.clear();

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Files.writeString(kubeconfig, Files.readString(kubeconfig).replaceAll("server: .*",
                "server: https://127.0.0.1:" + closed));
        Cli unreachable = run(scenario("shop", "deployment/web", "delete"));
        assertThat(unreachable.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(unreachable.err()).contains("cannot reach the Kubernetes API server at https://127.0.0.1:" + closed);

        assertThat(cluster.mutations()).allMatch(c -> c.path().contains("selfsubjectaccessreviews"));
        assertThat(dir.resolve("zerodrop-out")).doesNotExist();
    }

    @Test
    void settingsUnderTestNeedTheirPermissionsAndTheDryRunShowsTheirPatches() throws Exception {
        Path withSettings = Files.writeString(dir.resolve("settings.yaml"), Files.readString(scenario("shop",
                "deployment/web", "delete")) + "settings: {preStopSleepSeconds: 5, podDisruptionBudget: {minAvailable: 2}}\n");
        cluster.denied.add("create poddisruptionbudgets");
        Cli forbidden = run(withSettings, "--dry-run");
        assertThat(forbidden.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(forbidden.err()).contains("missing permission(s) in namespace shop: create"
                + " poddisruptionbudgets.policy");
        cluster.denied.clear();
        Cli dry = run(withSettings, "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("settings   PATCH /apis/apps/v1/namespaces/shop/deployments/web (JSON patch)"
                + " [{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\"", "\"preStop\":{",
                "settings   POST /apis/policy/v1/namespaces/shop/poddisruptionbudgets", "\"minAvailable\":2",
                "DELETE /apis/policy/v1/namespaces/shop/poddisruptionbudgets/web-zerodrop registered first");
        // what is put back is recorded in the cluster first: the Lease, and a record in each change's own request
        assertThat(dry.out()).contains("record     POST /apis/coordination.k8s.io/v1/namespaces/shop/leases (Lease"
                + " zerodrop-run-<run id>: the run is alive) before the first change below; PATCH every 15 s",
                "record     each change below carries its record in the same request (annotation"
                        + " zerodrop.io/undo-<run id>-<n>", "zerodrop cleanup --runtime kubernetes puts it back");
        assertThat(dry.out().indexOf("record     POST")).isLessThan(dry.out().indexOf("settings   PATCH"));
        assertThat(cluster.mutations()).allMatch(c -> c.path().contains("selfsubjectaccessreviews"));
    }

    @Test
    void aDryRunListsTheCallsAndMakesNone() throws Exception {
        Cli r = run(scenario("shop", "deployment/web", "evict"), "--dry-run");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("nothing was changed", "Deployment web, 3 replicas", "Services [web]",
                "POST /api/v1/namespaces/shop/pods/<1 oldest pod(s)>/eviction (policy/v1 Eviction)",
                "The workload may take 300 s to be ready before the load starts (the kubernetes runtime's default;"
                        + " target.startBudget or --start-budget set it)");
        assertThat(r.out()).as("an eviction puts nothing back: no Lease").doesNotContain("record ", "leases");
        assertThat(cluster.mutations()).allMatch(c -> c.path().contains("selfsubjectaccessreviews"));
    }

    /** A kind whose change is put back at the end (DisruptionKind.putsBack: a scale) records it first. */
    @Test
    void aDryRunOfAScaleListsItsRecordFirst() throws Exception {
        Path file = scenario("shop", "deployment/web", "evict");
        Files.writeString(file, Files.readString(file).replace("    action: evict", "    action: scale\n    by: 1"));
        Cli r = run(file, "--dry-run");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("record     POST /apis/coordination.k8s.io/v1/namespaces/shop/leases",
                "spec.replicas 3 → 4, and back");
        assertThat(r.out().indexOf("record     POST")).isLessThan(r.out().indexOf("step       delete-1"));
        assertThat(cluster.mutations()).allMatch(c -> c.path().contains("selfsubjectaccessreviews"));
    }

    /**
     * The kubelet's part, played on its own thread: once web-1 is marked for deletion (a finalizer holds the object
     * as graceful termination does), its container ends 143 and the object goes.
     */
    private Thread kubelet() {
        client.pods().inNamespace("shop").withName("web-1").edit(p -> new PodBuilder(p)
                .editMetadata().addToFinalizers("zerodrop.io/test-kubelet").endMetadata().build());
        cluster.calls.clear();
        Thread t = new Thread(() -> {
            var pod = client.pods().inNamespace("shop").withName("web-1");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> pod.get() != null
                    && pod.get().getMetadata().getDeletionTimestamp() != null);
            pod.edit(p -> new PodBuilder(p).editStatus().addNewContainerStatus()
                    .withName("web").withNewState().withNewTerminated().withExitCode(143).withReason("Error")
                    .endTerminated().endState().endContainerStatus().endStatus().build());
            pod.edit(p -> new PodBuilder(p).editMetadata().withFinalizers()
                    .endMetadata().build());
            pod.delete();
        }, "kubelet");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aWholeRunDeletesThroughTheApiMeasuresRealLoadAndReports() throws Exception {
        Thread kubelet = kubelet();
        try (AppProcess app = AppProcess.start(AppProcess.env())) {
            int port = app.awaitListening();
            Path out = dir.resolve("out");
            Cli r = Cli.run("run", scenario("shop", "deployment/web", "delete").toString(), "--kubeconfig",
                    kubeconfig.toString(), "--url", "http://127.0.0.1:" + port, "--out", out.toString());
            assertThat(r.exitCode()).as(r.err() + r.out()).isEqualTo(ExitCodes.PASSED);
            kubelet.join(10_000);
            assertThat(cluster.mutations()).filteredOn(c -> !c.path().contains("selfsubjectaccessreviews"))
                    .extracting(ScriptedCluster.Call::method, ScriptedCluster.Call::path)
                    .containsExactly(Tuple.tuple("DELETE", "/api/v1/namespaces/shop/pods/web-1"),
                            // the kubelet's part, played by the test: status, finalizer off, the object goes
                            Tuple.tuple("PATCH", "/api/v1/namespaces/shop/pods/web-1"),
                            Tuple.tuple("PATCH", "/api/v1/namespaces/shop/pods/web-1"),
                            Tuple.tuple("DELETE", "/api/v1/namespaces/shop/pods/web-1"));
            assertThat(client.pods().inNamespace("shop").list().getItems()).extracting(p -> p.getMetadata().getName())
                    .containsExactly("web-2", "web-3");
            JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
            ReportSchema.assertValid(report);
            assertThat(report.path("header").path("runtime").asText()).startsWith("kubernetes (");
            JsonNode rt = report.path("header").path("settings").path("runtime");
            assertThat(rt.path("namespace").asText()).isEqualTo("shop");
            assertThat(rt.path("trafficUrl").asText()).contains("(--url)");
            assertThat(report.path("steps").findValuesAsText("name")).contains("deploy",
                    "disruption delete-1: delete 1 oldest pod(s)", "traffic", "settle", "teardown", "analysis");
            assertThat(report.path("timeline").findValuesAsText("detail")).contains("deletionTimestamp set",
                    "pod object removed");
            // SIGTERM is not visible through the API: placed at the deletion seen (no preStop), said to be inferred
            JsonNode sigterm = StreamSupport.stream(report.path("timeline").spliterator(), false)
                    .filter(e -> e.path("type").asText().equals("SIGTERM_SENT")).findFirst().orElseThrow();
            assertThat(sigterm.path("pod").asText()).isEqualTo("web-1");
            assertThat(sigterm.path("attributes").path("inferred").asText()).startsWith("no preStop hook");
            assertThat(rt.path("inferred").asText()).startsWith("preStop, SIGTERM and SIGKILL are not visible");
            assertThat(rt.path("apiServerClock").asText()).contains(" ms ± ");
            assertThat(Files.readString(out.resolve("report.html"))).contains("(inferred)");
            // the same account the local runtime gives of a deletion (no EndpointSlices here: no controller)
            DeleteConformance.assertConforms(report);
            assertThat(report.path("requests").path("failed").asLong()).isZero();
        }
    }

    /**
     * The same deletion with the load from inside the cluster: two generator pods of zerodrop's Job (played by the
     * test with the Job's own pod command) send to the given address; the run is judged as with one generator, the
     * report has a row per generator pod, and the Job is deleted in the teardown with the runtime's other changes.
     */
    @Test
    void aWholeRunWithTheLoadFromAJobOfTwoGeneratorPods() throws Exception {
        Thread kubelet = kubelet();
        List<Process> generators = new CopyOnWriteArrayList<>();
        JobPlayer.play(cluster, client, dir, List.of(0L, 1_200L), 0,
                generators);
        try (AppProcess app = AppProcess.start(AppProcess.env())) {
            int port = app.awaitListening();
            Path out = dir.resolve("out");
            Cli r = Cli.run("run", scenario("shop", "deployment/web", "delete").toString(), "--kubeconfig",
                    kubeconfig.toString(), "--url", "http://127.0.0.1:" + port, "--out", out.toString(),
                    "--load-from", "cluster", "--generators", "2");
            assertThat(r.passedOrSaturated()).as(r.err() + r.out()).isTrue();
            kubelet.join(10_000);
            // a saturated generator (a starved machine) is the run's honest INCONCLUSIVE; the Job's life and the
            // per-generator rows still hold, the deletion's measurement below does not
            boolean measured = !r.saturated();
            assertThat(cluster.mutations()).filteredOn(c -> c.path().contains("/jobs"))
                    .extracting(ScriptedCluster.Call::method).containsExactly("POST", "DELETE");
            assertThat(client.batch().v1().jobs().inNamespace("shop").list().getItems()).isEmpty();
            JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
            ReportSchema.assertValid(report);
            JsonNode gens = report.path("header").path("settings").path("loadGenerators");
            assertThat(gens).hasSize(2);
            assertThat(gens.findValuesAsText("where")).containsExactly("node node-0", "node node-1");
            assertThat(gens.get(0).path("name").asText()).matches("zerodrop-load-\\d{8}-\\d{6}-[0-9a-f]{8}-0-x0");
            assertThat(gens.get(0).path("name").asText()).as("the load Job is named after the run's one id")
                    .startsWith("zerodrop-load-" + report.at("/header/run").asText() + "-");
            assertThat(Math.abs(gens.get(1).path("clockOffsetMs").asLong() - 1_200)).isLessThanOrEqualTo(gens.get(1)
                    .path("clockUncertaintyMs").asLong());
            assertThat(gens.get(0).path("measured").asLong() + gens.get(1).path("measured").asLong())
                    .isEqualTo(report.path("requests").path("measured").asLong());
            assertThat(report.path("header").path("settings").path("loadFrom").path("generatorCount").asInt())
                    .isEqualTo(2);
            // undone in the teardown, journaled with the run's other undos
            assertThat(report.path("steps").findValuesAsText("name")).anyMatch(n -> n.startsWith("undo: delete load"
                    + " Job zerodrop-load-"));
            assertThat(Files.readString(out.resolve("report.html"))).contains("<h2>Load generators</h2>",
                    "node node-1");
            if (measured) {
                DeleteConformance.assertConforms(report);
            }
            assertThat(report.path("requests").path("failed").asLong()).isZero();
        } finally {
            generators.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void aScaleStepIsUndoneAndTheClusterEndsAsItWas() throws Exception {
        Path sc = Files.writeString(dir.resolve("scale.yaml"), String.join("\n",
                "name: scale web down and back",
                "target: {workload: deployment/web, namespace: shop}",
                "traffic: {simulation: steady, rate: 20, warmup: 1s, duration: 4s}",
                "disruptions:",
                "  - {id: down, action: scale, by: -2, hold: 60s, at: 1s}", ""));
        try (AppProcess app = AppProcess.start(AppProcess.env())) {
            int port = app.awaitListening();
            Cli r = Cli.run("run", sc.toString(), "--kubeconfig", kubeconfig.toString(), "--url",
                    "http://127.0.0.1:" + port, "--out", dir.resolve("out").toString());
            // the hold outlived the load: the step was stopped, so the run cannot be credited
            assertThat(r.exitCode()).as(r.err() + r.out()).isEqualTo(ExitCodes.ENVIRONMENT);
            assertThat(r.out()).contains("INCONCLUSIVE", "step down (scale by -2 and back after 60.0 s) was still"
                    + " running when the load ended");
        }
        // the scale down carries its record (what to set back) in the same request; the step scales back; the
        // run's undo then finds the count as recorded and removes the record
        List<String> patches = cluster.mutations().stream().filter(c -> c.method().equals("PATCH"))
                .map(ScriptedCluster.Call::body).toList();
        assertThat(patches).hasSize(3);
        assertThat(patches.get(0)).startsWith("{\"metadata\":{\"annotations\":{\"zerodrop.io/undo-")
                .contains("\\\"restore\\\":[{\\\"path\\\":\\\"/spec/replicas\\\",\\\"value\\\":3}]")
                .endsWith("\"spec\":{\"replicas\":1}}");
        assertThat(patches.get(1)).isEqualTo("{\"spec\":{\"replicas\":3}}");
        assertThat(patches.get(2)).contains("{\"op\":\"add\",\"path\":\"/spec/replicas\",\"value\":3}",
                "{\"op\":\"remove\",\"path\":\"/metadata/annotations/zerodrop.io~1undo-");
        assertThat(client.apps().deployments().inNamespace("shop").withName("web").get().getMetadata()
                .getAnnotations()).as("no record left").isNullOrEmpty();
        assertThat(client.apps().deployments().inNamespace("shop").withName("web").get().getSpec().getReplicas())
                .as("as it was before the run").isEqualTo(3);
        JsonNode report = new ObjectMapper().readTree(dir.resolve("out/report.json").toFile());
        assertThat(report.path("steps").findValuesAsText("name"))
                .contains("undo: scale Deployment web back to 3 replicas");
    }

    @Test
    void withoutAUrlANodePortIsDiscoveredOnlyOnALocalClusterAndOnlyWhenUnambiguous() throws Exception {
        Path sc = scenario("shop", "deployment/web", "delete");
        Cli staging = Cli.run("run", sc.toString(), "--kubeconfig", kubeconfig.toString(), "--dry-run");
        assertThat(staging.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(staging.err()).contains("no traffic URL: give --url", "only on a local kind or k3d cluster"
                + " (context \"staging\")");

        Path kind = cluster.kubeconfig(Files.createDirectories(dir.resolve("kind")), "kind-zd", "shop");
        Cli none = Cli.run("run", sc.toString(), "--kubeconfig", kind.toString(), "--dry-run");
        assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("0 NodePort Services select the pods of Deployment web");

        client.services().inNamespace("shop").resource(new ServiceBuilder()
                .withNewMetadata().withName("web-nodeport").endMetadata().withNewSpec().withType("NodePort")
                .withSelector(Map.of("app", "web")).addNewPort().withPort(80).withNodePort(30080).endPort().endSpec()
                .build()).create();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("kind-1")
                .endMetadata().withNewStatus().addNewAddress().withType("InternalIP").withAddress("172.18.0.2")
                .endAddress().endStatus().build()).create();
        Cli found = Cli.run("run", sc.toString(), "--kubeconfig", kind.toString(), "--dry-run");
        assertThat(found.exitCode()).as(found.err()).isZero();
        assertThat(found.out()).contains("req/s to http://172.18.0.2:30080");
    }

    /**
     * Load from inside the cluster needs no URL (it goes to the Service's cluster address, on any cluster), its own
     * permissions (the Job), and shows its generators in the dry run; its options without it are refused.
     */
    @Test
    void loadFromInsideTheClusterGoesToTheServicesClusterAddressWithItsOwnPermissions() throws Exception {
        Path sc = scenario("shop", "deployment/web", "delete");
        String[] inside = {"run", sc.toString(), "--kubeconfig", kubeconfig.toString(), "--dry-run", "--load-from",
                "cluster", "--generators", "2"};
        cluster.denied.add("create jobs");
        Cli forbidden = Cli.run(inside);
        assertThat(forbidden.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(forbidden.err()).contains("missing permission(s) in namespace shop: create jobs.batch");
        cluster.denied.clear();

        Cli dry = Cli.run(inside);
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("req/s to http://web.shop.svc", "load from  inside the cluster: 2 generator(s)"
                + " of 10.0 req/s each", "image zerodrop/gatling-sims:dev", "clock resolution 100 ms");
        assertThat(cluster.mutations()).allMatch(c -> c.path().contains("selfsubjectaccessreviews"));

        Cli stray = Cli.run("run", sc.toString(), "--kubeconfig", kubeconfig.toString(), "--dry-run", "--generators",
                "2");
        assertThat(stray.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(stray.err()).contains("--generators, --generator-rate, --load-image and --clock-resolution apply to"
                + " load from inside the cluster: add --load-from cluster");
        Cli badResolution = Cli.run("run", sc.toString(), "--kubeconfig", kubeconfig.toString(), "--dry-run",
                "--load-from", "cluster", "--clock-resolution", "soon");
        assertThat(badResolution.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badResolution.err()).contains("--clock-resolution \"soon\" is invalid: expected a duration");
        Cli noGatlingReport = Cli.run("run", sc.toString(), "--kubeconfig", kubeconfig.toString(), "--dry-run",
                "--load-from", "cluster", "--gatling-report");
        assertThat(noGatlingReport.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noGatlingReport.err()).contains("--gatling-report applies to the load from this host");
        Cli badOrigin = Cli.run("run", sc.toString(), "--kubeconfig", kubeconfig.toString(), "--dry-run",
                "--load-from", "moon");
        assertThat(badOrigin.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badOrigin.err()).contains("the load's origin is \"moon\"; expected local or cluster");
    }
}
