package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.PodSelector;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.verdict.Expectations;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads survive what a busy API server answers for a moment (429, 5xx), and only those; a StatefulSet is attached
 * to through its own status (it was read as a Deployment: "Deployment … disappeared").
 */
@Tag("slow")
class ReadsTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final MockCluster mock = MockCluster.shop(3, 3);
    private ScriptedCluster cluster;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        cluster = mock.cluster();
        // as Cluster.connect makes zerodrop's client: fabric8's own retry off, so that only Reads retries
        client = mock.closeAfter(new KubernetesClientBuilder().withConfig(new ConfigBuilder(mock.client()
                .getConfiguration()).withRequestRetryBackoffLimit(0).build()).build());
    }

    private long webGets() {
        return cluster.calls.stream().filter(c -> c.method().equals("GET")
                && c.path().equals("/apis/apps/v1/namespaces/shop/deployments/web")).count();
    }

    @Test
    void aReadAnsweredWithA503OrA429IsReadAgainAndOtherAnswersAreNot() {
        cluster.nextWebGets.add(ScriptedCluster.status(503, "the server is currently unable to handle the request",
                null, null));
        cluster.nextWebGets.add(ScriptedCluster.status(429, "too many requests", null, null));
        cluster.calls.clear();
        assertThat(ClusterTarget.find(client, "shop", "deployment/web").replicas()).isEqualTo(3);
        assertThat(webGets()).as("two transient answers, then the object").isEqualTo(3);

        cluster.calls.clear();
        cluster.nextWebGets.add(ScriptedCluster.status(403, "deployments.apps \"web\" is forbidden", null, null));
        assertThatThrownBy(() -> ClusterTarget.find(client, "shop", "deployment/web"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        assertThat(webGets()).as("a refusal is not read again").isEqualTo(1);

        cluster.calls.clear();
        for (int i = 0; i < Reads.ATTEMPTS; i++) {
            cluster.nextWebGets.add(ScriptedCluster.status(503, "unavailable", null, null));
        }
        assertThatThrownBy(() -> ClusterTarget.find(client, "shop", "deployment/web"))
                .isInstanceOfSatisfying(ZerodropException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT);
                    assertThat(e).hasMessageStartingWith("reading Deployment web in namespace shop failed "
                            + Reads.ATTEMPTS + " times in a row: 503");
                });
        assertThat(webGets()).isEqualTo(Reads.ATTEMPTS);
    }

    /**
     * A call that got no answer in time is what fabric8 reports as code -1 ("Operation: [get] … failed.", the
     * timeout beneath): read again, as a busy server's answer is; an undo's delete the same. (Code -1 was taken for
     * an answer, so a timed-out undo gave up at once and left its change in the cluster.)
     */
    @Test
    void aCallThatGotNoAnswerIsMadeAgain() {
        AtomicInteger calls = new AtomicInteger();
        String read = Reads.read("reading Deployment web", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new KubernetesClientException("Operation: [get]  for kind: [Deployment]  with name: [web]  in"
                        + " namespace: [shop]  failed.", new HttpTimeoutException("request timed out"));
            }
            return "web";
        });
        assertThat(read).isEqualTo("web");
        assertThat(calls).hasValue(2);
        AtomicInteger deletes = new AtomicInteger();
        Reads.repeatable("deleting PodDisruptionBudget web-zerodrop", () -> {
            if (deletes.incrementAndGet() < 3) {
                throw new KubernetesClientException("Operation: [delete] failed.", new IOException("reset"));
            }
        });
        assertThat(deletes).hasValue(3);
        AtomicInteger refused = new AtomicInteger();
        assertThatThrownBy(() -> Reads.repeatable("deleting x", () -> {
            refused.incrementAndGet();
            throw new KubernetesClientException(new StatusBuilder().withCode(403)
                    .withMessage("forbidden").build());
        })).isInstanceOf(KubernetesClientException.class);
        assertThat(refused).as("a refusal is an answer: not repeated").hasValue(1);
    }

    @Test
    void aStatefulSetIsAttachedToThroughItsOwnStatus() throws Exception {
        client.apps().statefulSets().inNamespace("shop").resource(new StatefulSetBuilder().withNewMetadata()
                .withName("db").endMetadata().withNewSpec().withReplicas(3).withServiceName("web").withNewSelector()
                .withMatchLabels(Map.of("app", "web")).endSelector().withNewTemplate().withNewMetadata()
                .withLabels(Map.of("app", "web")).endMetadata().withNewSpec().addNewContainer().withName("db")
                .withImage("shop/db:1").endContainer().endSpec().endTemplate().endSpec().withNewStatus()
                .withReplicas(3).withReadyReplicas(3).endStatus().build()).create();
        try (Cluster connected = Cluster.connect(new ClusterOptions(cluster.kubeconfig(tmp, "staging", "shop"), null,
                null), null); Undo undo = new Undo()) {
            KubernetesRuntime rt = new KubernetesRuntime(connected, ClusterTarget.find(client, "shop",
                    "statefulset/db"), "http://10.0.0.1", "--url", new Timeline(), undo);
            rt.start(null, ScriptedCluster.GENEROUS);
            assertThat(rt.pods()).hasSize(3);
            ClusterTarget db = ClusterTarget.find(client, "shop", "statefulset/db");
            Scenario scale = new Scenario(null, "scale db", null, "kubernetes", "statefulset/db", "shop",
                    Scenario.Settings.NONE, LoadSpec.of("steady", 10, 1, 10), List.of(new Scenario.StepSpec("down",
                            "scale", PodSelector.random(1, 1), null, Duration.ofSeconds(1), null, 1, null, null, null,
                            -1, Duration.ofSeconds(2))), Expectations.zeroDrops(), Scenario.Local.DEFAULTS, null, null);
            assertThatThrownBy(() -> KubernetesProvider.refuseDeploymentOnlySteps(scale, db))
                    .hasMessage("step down (scale) patches a Deployment, but the target is StatefulSet db: the"
                            + " Kubernetes runtime runs scale on Deployments only (delete, kill, evict and drain-node"
                            + " work on both)");
            assertThat(rt.describe().get("target")).asString().startsWith("StatefulSet db (attached");
            rt.close();
        }
    }
}
