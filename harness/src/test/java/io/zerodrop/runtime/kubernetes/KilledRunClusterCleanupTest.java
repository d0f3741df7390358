package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.zerodrop.cli.Zerodrop;
import io.zerodrop.testsupport.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * A run SIGKILLed right after each kind of change it makes in a cluster (mock API server, controllers played by
 * the test): the change survives the kill, and {@code zerodrop cleanup --runtime kubernetes} from another JVM,
 * once the run's Lease has expired, leaves every object as it was before the run; a second cleanup finds nothing.
 * A live run's changes are never touched.
 */
@Tag("slow")
class KilledRunClusterCleanupTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final MockCluster mock = MockCluster.shop(3, 3).realisticContainers().controllers();
    ScriptedCluster cluster;
    KubernetesClient client;
    Path kubeconfig;
    final List<Process> children = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        cluster = mock.cluster();
        client = mock.client();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").withAnnotations(Map.of(
                "node.alpha.kubernetes.io/ttl", "0")).endMetadata().withNewSpec().withPodCIDR("10.42.0.0/24")
                .withProviderID("k3s://node-1").endSpec().build()).create();
        kubeconfig = cluster.kubeconfig(dir, "staging", "shop");
    }

    @AfterEach
    void stop() {
        children.forEach(Process::destroyForcibly);
    }

    /** Everything a run may change, as it is now: specs, annotations and labels; what exists. */
    private Map<String, String> snapshot() {
        Map<String, String> s = new TreeMap<>();
        var web = client.apps().deployments().inNamespace("shop").withName("web").get();
        s.put("Deployment web", Serialization.asJson(web.getSpec()) + " " + web.getMetadata().getAnnotations() + " "
                + web.getMetadata().getLabels());
        client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems().forEach(b -> s.put(
                "PodDisruptionBudget " + key(b), Serialization.asJson(b.getSpec()) + " " + b.getMetadata()
                        .getAnnotations()));
        client.batch().v1().jobs().inAnyNamespace().list().getItems().forEach(j -> s.put("Job " + key(j), ""));
        var node = client.nodes().withName("node-1").get();
        s.put("Node node-1", Serialization.asJson(node.getSpec()) + " " + node.getMetadata().getAnnotations());
        client.namespaces().list().getItems().forEach(n -> s.put("Namespace " + key(n), String.valueOf(n.getMetadata()
                .getLabels())));
        client.leases().inAnyNamespace().list().getItems().forEach(l -> s.put("Lease " + key(l), ""));
        return s;
    }

    private static String key(HasMetadata o) {
        return (o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace() + "/")
                + o.getMetadata().getName();
    }

    /** Starts the cut-down run; returns its run id once it says the change is made. */
    private String runUntilChanged(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<String> changed = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    seen.append(line).append('\n');
                    if (line.startsWith("CHANGED ")) {
                        return line.substring(8);
                    }
                }
                return null;
            } catch (Exception e) {
                return null;
            }
        });
        String run = changed.get(180, TimeUnit.SECONDS);
        assertThat(run).as("the child's output:\n%s", seen).isNotNull();
        return run;
    }

    private Process child(String kind, String leaseSeconds) throws Exception {
        Process p = new ProcessBuilder(ChildJvm.command(List.of("-XX:TieredStopAtLevel=1", "-Dzerodrop.leaseSeconds=" + leaseSeconds),
                RecordedChangeChild.class.getName(), kubeconfig.toString(), kind)).redirectErrorStream(true).start();
        children.add(p);
        return p;
    }

    private record Ran(int exit, String out) {
    }

    private Ran cleanupInChildJvm(Path out) throws Exception {
        Process cleanup = new ProcessBuilder(ChildJvm.command(List.of("-XX:TieredStopAtLevel=1"),
                Zerodrop.class.getName(), "cleanup", "--runtime", "kubernetes", "--kubeconfig", kubeconfig.toString()))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        children.add(cleanup);
        assertThat(cleanup.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new Ran(cleanup.exitValue(), Files.readString(out));
    }

    private Ran cleanupInProcess() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Zerodrop());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int exit = cli.execute("cleanup", "--runtime", "kubernetes", "--kubeconfig", kubeconfig.toString());
        return new Ran(exit, out.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"settings", "budget", "scale", "cordon", "job", "deploy"})
    void aRunKilledRightAfterAChangeIsPutBackByCleanupFromAnotherJvm(String kind) throws Exception {
        Map<String, String> before = snapshot();
        Process run = child(kind, "1");
        String runId = runUntilChanged(run);
        run.destroyForcibly(); // SIGKILL: no undo, no shutdown hook
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Map<String, String> killed = snapshot();
        assertThat(killed).as("the change outlives the killed run").isNotEqualTo(before);
        assertThat(killed.toString()).as("and is recorded under its run id").contains(runId.toLowerCase());

        // abandoned once its Lease has gone unrenewed for three durations (1 s here) by the server's clock, which
        // is this host's: wait from the last renewal the Lease itself shows
        Lease lease = client.leases().inAnyNamespace().withLabel(Deployer.RUN_LABEL, runId).list().getItems().get(0);
        long renewed = lease.getSpec().getRenewTime().toInstant().toEpochMilli();
        long wait = renewed + ClusterLeftovers.abandonedAfterMs(1) + 1_000 - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }

        // cleanup from another JVM than the killed run's: a separate process for the settings (the full command
        // line, as a user runs it), this test's own JVM for the other kinds (it never shared the run's state)
        Ran first = kind.equals("settings") ? cleanupInChildJvm(dir.resolve("cleanup.out")) : cleanupInProcess();
        assertThat(first.exit()).as(first.out()).isZero();
        assertThat(first.out()).contains("run " + runId + ": ", "deleted its expired Lease");
        assertThat(snapshot()).as(first.out()).isEqualTo(before);

        Ran again = cleanupInProcess();
        assertThat(again.exit()).as(again.out()).isZero();
        assertThat(again.out()).contains("nothing left behind by earlier runs").doesNotContain(runId);
    }

    @Test
    void aLiveRunsChangesAreLeftAloneAndNamed() throws Exception {
        Process run = child("cordon", "60");
        String runId = runUntilChanged(run);
        Map<String, String> changed = snapshot();
        Ran c = cleanupInProcess();
        assertThat(c.exit()).as(c.out()).isZero();
        assertThat(c.out()).contains("left alone: run " + runId + ": its Lease shop/zerodrop-run-" + runId
                + " was renewed", "a live run; nothing of it touched");
        assertThat(snapshot()).isEqualTo(changed);
        assertThat(changed.get("Node node-1")).contains("\"unschedulable\":true");
    }
}
