package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Eviction;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes runtime's way into a cluster, against fabric8's mock API server: connection and what is refused
 * before anything changes (exit codes and messages), the target as found, and each mutating call's verb, path and
 * body, with the API's answers typed.
 */
class ClusterAccessTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final MockCluster mock = MockCluster.shop(Map.of("tier", "front"), 3, 1);
    ScriptedCluster cluster;
    KubernetesClient client;

    @BeforeEach
    void start() {
        cluster = mock.cluster();
        client = mock.client();
        cluster.service(client, "other", "cart");
        client.policy().v1().podDisruptionBudget().inNamespace("shop").resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName("web-pdb").endMetadata().withNewSpec().withNewSelector()
                .addNewMatchExpression().withKey("tier").withOperator("In").withValues("front").endMatchExpression()
                .endSelector().withNewMaxUnavailable(1).endSpec().build()).create();
        cluster.calls.clear();
    }

    private static void exitCode(Throwable e, int code) {
        assertThat(e).isInstanceOf(ZerodropException.class);
        assertThat(((ZerodropException) e).exitCode()).isEqualTo(code);
    }

    @Test
    void connectsThroughAKubeconfigAndDescribesTheServerItReached() throws Exception {
        Path kc = cluster.kubeconfig(dir, "staging", "shop");
        try (Cluster c = Cluster.connect(new ClusterOptions(kc, null, null), null)) {
            assertThat(c.namespace()).as("the context's namespace").isEqualTo("shop");
            assertThat(c.describe()).containsKeys("server", "serverVersion", "reachedThrough")
                    .containsEntry("namespace", "shop");
            assertThat((String) c.describe().get("reachedThrough")).contains("context staging", kc.toString());
        }
    }

    @Test
    void anUnreachableServerIsAnEnvironmentErrorThatNamesTheServerAndWhatWasTried() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path kc = Files.writeString(dir.resolve("dead"), String.join("\n", "apiVersion: v1",
                "kind: Config", "current-context: gone", "clusters:", "- name: gone", "  cluster:",
                "    server: https://127.0.0.1:" + closed, "contexts:", "- name: gone", "  context:", "    cluster: gone",
                "    user: me", "users:", "- name: me", "  user:", "    token: t", ""));
        assertThatThrownBy(() -> Cluster.connect(new ClusterOptions(kc, null, "shop"), null))
                .satisfies(e -> exitCode(e, ExitCodes.ENVIRONMENT))
                .hasMessageStartingWith("cannot reach the Kubernetes API server at https://127.0.0.1:" + closed)
                .hasMessageContaining("context gone").hasMessageContaining(kc.toString());
        assertThatThrownBy(() -> Cluster.connect(new ClusterOptions(dir.resolve("nope"), null, "shop"), null))
                .satisfies(e -> exitCode(e, ExitCodes.ENVIRONMENT)).hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> Cluster.connect(new ClusterOptions(kc, "prod", "shop"), null))
                .satisfies(e -> exitCode(e, ExitCodes.ENVIRONMENT)).hasMessageContaining("prod");
    }

    /**
     * A server that takes the connection and closes it without a word (a proxy cutting connections, a server going
     * down): the error names the server and what happened in plain words, never a bare exception class.
     */
    @Test
    void aServerThatClosesEveryConnectionGetsAnErrorThatSpeaks() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                while (!s.isClosed()) {
                    try {
                        s.accept().close();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "closing-server");
            closer.setDaemon(true);
            closer.start();
            Path kc = Files.writeString(dir.resolve("closing"), String.join("\n", "apiVersion: v1",
                    "kind: Config", "current-context: c", "clusters:", "- name: c", "  cluster:",
                    "    server: http://127.0.0.1:" + s.getLocalPort(), "contexts:", "- name: c", "  context:",
                    "    cluster: c", "    user: me", "users:", "- name: me", "  user:", "    token: t", ""));
            assertThatThrownBy(() -> Cluster.connect(new ClusterOptions(kc, null, "shop"), null))
                    .satisfies(e -> exitCode(e, ExitCodes.ENVIRONMENT))
                    .hasMessageStartingWith("cannot reach the Kubernetes API server at http://127.0.0.1:"
                            + s.getLocalPort())
                    .hasMessageContaining("kubectl get --raw /readyz")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern("(\\w+Exception): \\1"));
        }
    }

    @Test
    void aCallThatGotNoAnswerIsDescribedInWordsWithItsServer() {
        try (var client = new KubernetesClientBuilder().withConfig(
                new ConfigBuilder().withMasterUrl("https://192.0.2.10:6443").build())
                .build()) {
            String closed = Cluster.reason(new KubernetesClientException("closed",
                    new ClosedChannelException()), client);
            assertThat(closed).startsWith("the API server https://192.0.2.10:6443/ closed the connection without"
                    + " answering").contains("check that it is reachable").doesNotContain("ClosedChannelException");
            String refused = Cluster.reason(new KubernetesClientException("x",
                    new ConnectException("Connection refused")), client);
            assertThat(refused).startsWith("the API server https://192.0.2.10:6443/ refused the connection");
            String answered = Cluster.reason(new KubernetesClientException("Forbidden",
                    403, null), client);
            assertThat(answered).isEqualTo("403 Forbidden");
        }
    }

    @Test
    void protectedNamespacesAreRefusedSystemOnesBeforeAnyCall() throws Exception {
        Path kc = cluster.kubeconfig(dir, "staging", "shop");
        assertThatThrownBy(() -> Cluster.connect(new ClusterOptions(kc, null, "kube-system"), null))
                .satisfies(e -> exitCode(e, ExitCodes.USAGE)).hasMessageStartingWith("namespace \"kube-system\" is"
                        + " protected");
        assertThat(cluster.calls).as("refused before any API call").isEmpty();
        assertThatThrownBy(() -> Cluster.connect(new ClusterOptions(kc, null, null), "payments"))
                .satisfies(e -> exitCode(e, ExitCodes.USAGE))
                .hasMessageContaining("namespace \"payments\" is labelled zerodrop.io/protected=true");
        assertThatThrownBy(() -> Cluster.connect(new ClusterOptions(kc, null, "nowhere"), null))
                .satisfies(e -> exitCode(e, ExitCodes.USAGE)).hasMessageContaining("namespace \"nowhere\" does not exist");
        assertThat(cluster.mutations()).isEmpty();
    }

    @Test
    void everyMissingPermissionIsListedInOneErrorAndNothingChanges() {
        cluster.denied.add("create pods/eviction");
        cluster.denied.add("patch nodes");
        List<Preflight.Permission> needed = Preflight.needed(List.of("delete", "drain-node"));
        assertThatThrownBy(() -> Preflight.check(client, "shop", needed))
                .satisfies(e -> exitCode(e, ExitCodes.ENVIRONMENT))
                .hasMessage("missing permission(s) in namespace shop: create pods/eviction, patch nodes (cluster-wide)."
                        + " Nothing was changed. Grant them with manifests/rbac (kubectl apply -k manifests/rbac, binding"
                        + " the Role in shop and the ClusterRole to the identity zerodrop runs as), or run with a"
                        + " context that has them");
        assertThat(cluster.mutations()).allMatch(c -> c.path().contains("selfsubjectaccessreviews"));
        cluster.denied.clear();
        Preflight.check(client, "shop", needed);
    }

    @Test
    void theTargetIsFoundWithItsServicesAndBudgetsAndABadNameIsAnInputError() {
        ClusterTarget t = ClusterTarget.find(client, "shop", "deployment/web");
        assertThat(t.kind()).isEqualTo("Deployment");
        assertThat(t.replicas()).isEqualTo(3);
        assertThat(t.selector()).containsExactly(Map.entry("app", "web"));
        assertThat(t.services()).containsExactly("web");
        assertThat(t.budgets()).as("matchExpressions with AND semantics").containsExactly("web-pdb");
        assertThatThrownBy(() -> ClusterTarget.find(client, "shop", "deployment/wbe"))
                .satisfies(e -> exitCode(e, ExitCodes.USAGE))
                .hasMessage("no Deployment named \"wbe\" in namespace shop (Deployments there: [web])");
        assertThat(cluster.mutations()).isEmpty();
    }

    @Test
    void evictionAnswersAreTypedByTheApisStatusNotByItsCodeAlone() {
        ApiCalls api = new ApiCalls(client, "shop");
        cluster.evictionAnswers.add(ScriptedCluster.status(429, "Cannot evict pod as it would violate the pod's"
                + " disruption budget.", "DisruptionBudget", "The disruption budget web-pdb needs 3 healthy pods and has"
                + " 3 currently"));
        cluster.evictionAnswers.add(ScriptedCluster.status(429, "Too many requests, please try again later.", null,
                null));
        cluster.evictionAnswers.add(ScriptedCluster.status(403, "pods \\\"web-1\\\" is forbidden", null, null));
        cluster.evictionAnswers.add(ScriptedCluster.status(500, "This pod has more than one PodDisruptionBudget, which"
                + " the eviction subresource does not support.", null, null));
        Eviction budget = api.evict("web-1");
        assertThat(budget.kind()).isEqualTo(Eviction.Kind.BUDGET_REFUSED);
        assertThat(budget.message()).contains("needs 3 healthy pods and has 3 currently");
        assertThat(api.evict("web-1").kind()).isEqualTo(Eviction.Kind.THROTTLED);
        Eviction forbidden = api.evict("web-1");
        assertThat(forbidden.kind()).isEqualTo(Eviction.Kind.FAILED);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(api.evict("web-1").status()).isEqualTo(500);
        assertThat(api.evict("web-1").kind()).as("then allowed").isEqualTo(Eviction.Kind.EVICTED);
        assertThat(client.pods().inNamespace("shop").withName("web-1").get()).as("evicted = deleted").isNull();

        List<ScriptedCluster.Call> evictions = cluster.calls.stream().filter(c -> c.path().endsWith("/eviction"))
                .toList();
        assertThat(evictions).hasSize(5).allSatisfy(c -> {
            assertThat(c.method()).isEqualTo("POST");
            assertThat(c.path()).isEqualTo("/api/v1/namespaces/shop/pods/web-1/eviction");
            assertThat(c.body()).contains("\"apiVersion\":\"policy/v1\"", "\"kind\":\"Eviction\"", "\"name\":\"web-1\"");
        });
    }

    @Test
    void deleteRolloutRestartAndScaleSendTheCallsKubectlWould() {
        // (the cordon and its revert: KubernetesRuntimeTest's drains)
        cluster.calls.clear();
        ApiCalls api = new ApiCalls(client, "shop");
        api.delete("web-1", 7L);
        api.rolloutRestart("web");
        api.scale("web", 2);
        List<ScriptedCluster.Call> m = cluster.mutations();
        assertThat(m).extracting(ScriptedCluster.Call::method).containsExactly("DELETE", "PATCH", "PATCH");
        assertThat(m.get(0).path()).isEqualTo("/api/v1/namespaces/shop/pods/web-1");
        assertThat(m.get(0).body()).contains("\"gracePeriodSeconds\":7");
        assertThat(m.get(1).path()).isEqualTo("/apis/apps/v1/namespaces/shop/deployments/web");
        assertThat(m.get(1).body()).contains("kubectl.kubernetes.io/restartedAt");
        assertThat(m.get(2).body()).isEqualTo("{\"spec\":{\"replicas\":2}}");
        assertThat(client.apps().deployments().inNamespace("shop").withName("web").get().getSpec().getReplicas())
                .isEqualTo(2);
    }
}
