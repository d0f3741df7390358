package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.scenario.Scenario.Settings;
import io.zerodrop.scenario.Setting;
import io.zerodrop.timeline.Timeline;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings under test on a cluster (mock API server, controllers played by the test): the revert is registered
 * before each change is sent, the change is a merge patch of exactly the named fields, the run waits for the
 * rollout, and at the end the workload is as it was — except for what somebody else changed meanwhile.
 */
@Tag("slow")
class SettingsUnderTestTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final MockCluster mock = MockCluster.shop(3, 3).realisticContainers().controllers();
    ScriptedCluster cluster;
    KubernetesClient client;
    Cluster connected;

    @BeforeEach
    void start() throws Exception {
        cluster = mock.cluster();
        client = mock.client();
        connected = mock.closeAfter(Cluster.connect(new ClusterOptions(cluster.kubeconfig(tmp, "staging", "shop"),
                null, null), null));
        cluster.calls.clear();
    }

    private static Settings settings(Long preStop, Long grace, Map<String, String> env, Integer period,
            String maxSurge, String maxUnavailable, String minAvailable) {
        Map<Setting, String> v = new EnumMap<>(Setting.class);
        Map<Setting, Object> given = new EnumMap<>(Setting.class);
        given.put(Setting.PRE_STOP_SLEEP_SECONDS, preStop);
        given.put(Setting.TERMINATION_GRACE_PERIOD_SECONDS, grace);
        given.put(Setting.READINESS_PERIOD_SECONDS, period);
        given.put(Setting.MAX_SURGE, maxSurge);
        given.put(Setting.MAX_UNAVAILABLE, maxUnavailable);
        given.put(Setting.PDB_MIN_AVAILABLE, minAvailable);
        given.forEach((k, x) -> {
            if (x != null) {
                v.put(k, String.valueOf(x));
            }
        });
        return new Settings(v, env);
    }

    /**
     * Edits the Deployment as somebody else would while the played controller also writes its status: a 409 (the
     * object changed between read and write) is retried, as kubectl's own edit does.
     */
    private void editWeb(UnaryOperator<Deployment> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.apps().deployments().inNamespace("shop").withName("web").edit(change);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 20) {
                    throw e;
                }
            }
        }
    }

    private Deployment web() {
        return client.apps().deployments().inNamespace("shop").withName("web").get();
    }

    @Test
    void appliedAfterTheirRevertIsRegisteredRolledOutAndPutBackAtTheEnd() throws Exception {
        Deployment before = web();
        List<String> pendingAtEachChange = new CopyOnWriteArrayList<>();
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            cluster.beforeAnswer = c -> {
                if ((c.method().equals("PATCH") && c.path().contains("/deployments/web") && c.body().contains("preStop"))
                        || (c.method().equals("POST") && c.path().contains("poddisruptionbudgets"))) {
                    pendingAtEachChange.add(c.method() + " " + undo.pending());
                }
            };
            KubernetesRuntime rt = new KubernetesRuntime(connected, ClusterTarget.find(client, "shop", "deployment/web"),
                    settings(5L, 45L, Map.of("DRAIN_TIMEOUT_MS", "8000"), 2, "1", "0", "2"), "http://10.0.0.1",
                    "--url", timeline, undo);
            rt.start(null, ScriptedCluster.GENEROUS);
            cluster.beforeAnswer = null;
            // each change was sent with its revert already registered — after the run's Lease (its deletion the
            // first undo): 2 undos at the patch, 3 at the budget
            assertThat(pendingAtEachChange).containsExactly("PATCH 2", "POST 3");
            assertThat(cluster.mutations().get(0).method() + " " + cluster.mutations().get(0).path())
                    .as("the Lease comes first").contains("POST /apis/coordination.k8s.io/v1/namespaces/shop/leases");
            Map<String, String> recorded = web().getMetadata().getAnnotations();
            assertThat(recorded).hasSize(1);
            String key = recorded.keySet().iterator().next();
            assertThat(key).startsWith("zerodrop.io/undo-");
            JsonNode record = Serialization.unmarshal(recorded.get(key), JsonNode.class);
            assertThat(record.path("what").asText()).isEqualTo("settings under test on Deployment web");
            assertThat(record.path("restore").toString()).as("each changed field as it was, or absent").isEqualTo(
                    "[{\"path\":\"/spec/strategy\",\"absent\":true},{\"path\":\"/spec/template/spec/"
                    + "terminationGracePeriodSeconds\",\"absent\":true},{\"path\":\"/spec/template/spec/containers/0/"
                    + "lifecycle\",\"absent\":true},{\"path\":\"/spec/template/spec/containers/0/env\",\"value\":"
                    + "[{\"name\":\"DRAIN_TIMEOUT_MS\",\"value\":\"1000\"}]},{\"path\":\"/spec/template/spec/"
                    + "containers/0/readinessProbe\",\"value\":{\"httpGet\":{\"path\":\"/ready\"},"
                    + "\"periodSeconds\":10}}]");
            assertThat(record.path("test").toString()).isEqualTo(
                    "{\"/spec/template/spec/containers/0/name\":\"web\"}");

            JsonNode ops = Serialization.unmarshal(cluster.mutations().stream().filter(c -> c.method().equals("PATCH")
                    && c.body().contains("preStop")).findFirst().orElseThrow().body(), JsonNode.class);
            assertThat(ops.get(0).toString()).as("a concurrent change is refused").startsWith(
                    "{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"");
            assertThat(StreamSupport.stream(ops.spliterator(), false).map(o -> o.path("op").asText()
                    + " " + o.path("path").asText().replace(key.replace("/", "~1"), "<record>")))
                    .containsExactly("test /metadata/resourceVersion",
                    "add /spec/strategy", "add /spec/template/spec/terminationGracePeriodSeconds",
                    "replace /spec/template/spec/containers", "add /metadata/annotations/<record>");
            assertThat(ops.get(1).path("value").toString()).isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
                    + "{\"maxSurge\":1,\"maxUnavailable\":0}}");
            assertThat(ops.get(2).path("value").asLong()).isEqualTo(45);
            assertThat(ops.get(3).path("value")).as("the list, sent whole").hasSize(2);
            assertThat(ops.get(3).path("value").get(1).path("image").asText()).isEqualTo("shop/proxy:1");
            var c0 = web().getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(c0.getLifecycle().getPreStop().getSleep() != null
                    ? c0.getLifecycle().getPreStop().getSleep().getSeconds()
                    : Long.valueOf(c0.getLifecycle().getPreStop().getExec().getCommand().get(1))).isEqualTo(5L);
            assertThat(c0.getEnv()).singleElement().satisfies(e -> assertThat(e.getValue()).isEqualTo("8000"));
            assertThat(c0.getReadinessProbe().getPeriodSeconds()).isEqualTo(2);
            assertThat(c0.getReadinessProbe().getHttpGet().getPath()).as("the rest of the probe kept").isEqualTo("/ready");
            var budget = client.policy().v1().podDisruptionBudget().inNamespace("shop").withName("web-zerodrop").get();
            assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
            assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of("app", "web"));
            assertThat(budget.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "zerodrop");
            @SuppressWarnings("unchecked")
            List<Object> described = (List<Object>) rt.describe().get("settingsUnderTest");
            assertThat(described.get(0).toString()).contains("Deployment web: terminationGracePeriodSeconds 45, preStop"
                    + " sleep 5 s, env DRAIN_TIMEOUT_MS=8000, readinessProbe periodSeconds 2, rollingUpdate maxSurge 1,"
                    + " rollingUpdate maxUnavailable 0", "PodDisruptionBudget web-zerodrop (created for the run):"
                    + " PodDisruptionBudget minAvailable 2");
            assertThat(rt.target()).extracting(ClusterTarget::budgets).isEqualTo(List.of("web-zerodrop"));

            // somebody ships a new image meanwhile: the revert must keep it
            editWeb(d -> new DeploymentBuilder(d)
                    .editSpec().editTemplate().editSpec().editFirstContainer().withImage("shop/web:2").endContainer()
                    .endSpec().endTemplate().endSpec().build());
            rt.close();
        }
        Deployment after = web();
        var was = before.getSpec().getTemplate().getSpec();
        var now = after.getSpec().getTemplate().getSpec();
        assertThat(now.getContainers().get(0).getImage()).isEqualTo("shop/web:2");
        assertThat(now.getContainers().get(0).getLifecycle()).isNull();
        assertThat(now.getContainers().get(0).getEnv()).isEqualTo(was.getContainers().get(0).getEnv());
        assertThat(now.getContainers().get(0).getReadinessProbe()).isEqualTo(was.getContainers().get(0)
                .getReadinessProbe());
        assertThat(now.getContainers().get(1)).isEqualTo(was.getContainers().get(1));
        assertThat(now.getTerminationGracePeriodSeconds()).isEqualTo(was.getTerminationGracePeriodSeconds());
        assertThat(after.getSpec().getStrategy()).isEqualTo(before.getSpec().getStrategy());
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace("shop").withName("web-zerodrop").get())
                .as("the budget created for the run is gone").isNull();
        assertThat(after.getMetadata().getAnnotations()).as("the record went with the revert").isNullOrEmpty();
        assertThat(client.leases().inNamespace("shop").list().getItems()).as("and the Lease last").isEmpty();
    }

    @Test
    void anExistingBudgetIsPatchedAndPatchedBack() {
        client.policy().v1().podDisruptionBudget().inNamespace("shop").resource(new io.fabric8.kubernetes.api.model
                .policy.v1.PodDisruptionBudgetBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec()
                .withNewMaxUnavailable(1).withNewSelector().withMatchLabels(Map.of("app", "web")).endSelector()
                .endSpec().build()).create();
        cluster.calls.clear();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = new KubernetesRuntime(connected, ClusterTarget.find(client, "shop", "deployment/web"),
                    settings(null, null, Map.of(), null, null, null, "100%"), "http://10.0.0.1", "--url",
                    new Timeline(), undo);
            rt.start(null, ScriptedCluster.GENEROUS);
            var during = client.policy().v1().podDisruptionBudget().inNamespace("shop").withName("web").get().getSpec();
            assertThat(during.getMinAvailable().getStrVal()).isEqualTo("100%");
            assertThat(during.getMaxUnavailable()).as("one excludes the other").isNull();
            assertThat(cluster.mutations()).filteredOn(c -> c.path().contains("/deployments/web") && !c.body()
                    .contains("observedGeneration")).as("the Deployment is left alone").isEmpty();
            rt.close();
        }
        var after = client.policy().v1().podDisruptionBudget().inNamespace("shop").withName("web").get().getSpec();
        assertThat(after.getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(after.getMinAvailable()).isNull();
    }

    @Test
    void whatCannotBeAppliedIsRefusedBeforeAnyChange() {
        editWeb(d -> new DeploymentBuilder(d).editSpec()
                .editTemplate().editSpec().editFirstContainer().withReadinessProbe(null).endContainer().endSpec()
                .endTemplate().endSpec().build());
        cluster.calls.clear();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = new KubernetesRuntime(connected, ClusterTarget.find(client, "shop", "deployment/web"),
                    settings(null, null, Map.of(), 2, null, null, null), "http://10.0.0.1", "--url", new Timeline(),
                    undo);
            assertThatThrownBy(() -> rt.start(null, ScriptedCluster.GENEROUS)).isInstanceOf(ZerodropException.class)
                    .hasMessage("settings: readinessProbe timings were given, but container web of Deployment web has"
                            + " no readinessProbe to change and declares no port to check with a new one")
                    .extracting(e -> ((ZerodropException) e).exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(undo.pending()).isZero();
            rt.close();
        }
        assertThat(cluster.mutations()).filteredOn(c -> !c.body().contains("observedGeneration")).isEmpty();
    }

    @Test
    void thePreStopSleepIsTheNativeActionFromKubernetes130AndExecSleepBefore() {
        Deployment d = web();
        Settings s = settings(7L, null, Map.of(), null, null, null, null);
        JsonNode nativeSleep = Serialization.unmarshal(new SettingsUnderTest(client, "shop", true, null)
                .deploymentChange(d, s).apply(), JsonNode.class);
        assertThat(nativeSleep.at("/1/value/0/lifecycle/preStop/sleep/seconds").asLong()).isEqualTo(7);
        JsonNode exec = Serialization.unmarshal(new SettingsUnderTest(client, "shop", false, null).deploymentChange(d, s)
                .apply(), JsonNode.class);
        assertThat(exec.at("/1/value/0/lifecycle/preStop/exec/command").toString()).isEqualTo("[\"sleep\",\"7\"]");
        // readiness settings on a container without a probe add a TCP check of its port, as the local runtime does
        Deployment noProbe = new DeploymentBuilder(d).editSpec().editTemplate().editSpec().editFirstContainer()
                .withReadinessProbe(null).addNewPort().withContainerPort(8080).endPort().endContainer().endSpec()
                .endTemplate().endSpec().build();
        JsonNode added = Serialization.unmarshal(new SettingsUnderTest(client, "shop", true, null).deploymentChange(noProbe,
                settings(null, null, Map.of(), 2, null, null, null)).apply(), JsonNode.class);
        assertThat(added.at("/1/value/0/readinessProbe").toString()).isEqualTo("{\"tcpSocket\":{\"port\":8080},"
                + "\"periodSeconds\":2}");
        assertThat(SettingsUnderTest.hasNativeSleep("1", "30")).isTrue();
        assertThat(SettingsUnderTest.hasNativeSleep("1", "29+")).isFalse();
        assertThat(SettingsUnderTest.hasNativeSleep("1", "31+")).isTrue();
        // the kubelets decide too: a node two minors behind its control plane has no sleep action to run
        assertThat(SettingsUnderTest.nativeSleep("1", "31", List.of("v1.31.2", "v1.30.0+k3s1"))).isTrue();
        assertThat(SettingsUnderTest.nativeSleep("1", "31", List.of("v1.31.2", "v1.29.6"))).isFalse();
        assertThat(SettingsUnderTest.nativeSleep("1", "29", List.of("v1.31.2"))).isFalse();
        assertThat(SettingsUnderTest.nativeSleep("1", "31", List.of())).as("no node known").isFalse();
        assertThat(SettingsUnderTest.nativeSleep("1", "31", Arrays.asList("v1.31.2", null))).isFalse();
    }

    /**
     * A Deployment whose status changes between zerodrop's read and its patch (its controller at work) refuses the
     * guarded patch with 409: zerodrop reads again and retries, a few times, then gives up having changed nothing.
     */
    /**
     * A change the API server refuses as invalid (422 naming a field: validateSleepAction's "must be greater than 0
     * and less than terminationGracePeriodSeconds") is an input error in the server's words, sent once — not a
     * conflict retried five times and called "the object kept changing".
     */
    @Test
    void aChangeTheServerRefusesAsInvalidIsAnInputErrorNamingTheFieldNotRetried() {
        String field = "spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds";
        cluster.nextDeploymentPatch.set(ScriptedCluster.invalid("Deployment", "apps", "web", field,
                "Invalid value: 40: must be greater than 0 and less than terminationGracePeriodSeconds (30)"));
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = new KubernetesRuntime(connected, ClusterTarget.find(client, "shop", "deployment/web"),
                    settings(40L, null, Map.of(), null, null, null, null), "http://10.0.0.1", "--url", new Timeline(),
                    undo);
            assertThatThrownBy(() -> rt.start(null, ScriptedCluster.GENEROUS)).isInstanceOfSatisfying(
                    ZerodropException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE);
                        assertThat(e).hasMessageContaining("refused by the API server as invalid: " + field
                                + ": Invalid value: 40: must be greater than 0 and less than"
                                + " terminationGracePeriodSeconds (30)");
                    });
            rt.close();
        }
        assertThat(cluster.calls).filteredOn(c -> c.method().equals("PATCH") && c.path().contains("/deployments/")
                && c.body().startsWith("[{\"op\":\"test\"")).as("sent once, not retried").hasSize(1);
        assertThat(web().getSpec().getTemplate().getSpec().getContainers().get(0).getLifecycle()).isNull();
    }

    @Test
    void aChangeRefusedBecauseTheObjectChangedMeanwhileIsComputedAgain() {
        try (Undo undo = new Undo()) {
            cluster.conflictNextPatches.set(2);
            KubernetesRuntime rt = new KubernetesRuntime(connected, ClusterTarget.find(client, "shop", "deployment/web"),
                    settings(5L, null, Map.of(), null, null, null, null), "http://10.0.0.1", "--url", new Timeline(),
                    undo);
            rt.start(null, ScriptedCluster.GENEROUS);
            assertThat(cluster.calls).filteredOn(c -> c.method().equals("PATCH") && c.body().startsWith(
                    "[{\"op\":\"test\"")).as("two refused, the third went through").hasSize(3);
            assertThat(web().getSpec().getTemplate().getSpec().getContainers().get(0).getLifecycle()).isNotNull();
            rt.close();
        }
        try (Undo undo = new Undo()) {
            cluster.conflictNextPatches.set(SettingsUnderTest.CONFLICT_RETRIES);
            KubernetesRuntime rt = new KubernetesRuntime(connected, ClusterTarget.find(client, "shop", "deployment/web"),
                    settings(5L, null, Map.of(), null, null, null, null), "http://10.0.0.1", "--url", new Timeline(),
                    undo);
            assertThatThrownBy(() -> rt.start(null, ScriptedCluster.GENEROUS)).isInstanceOf(ZerodropException.class)
                    .hasMessageContaining("the object kept changing while zerodrop applied the settings: "
                            + SettingsUnderTest.CONFLICT_RETRIES + " attempts; nothing was changed; run again");
            rt.close();
        }
        assertThat(web().getSpec().getTemplate().getSpec().getContainers().get(0).getLifecycle())
                .as("reverted after both runs").isNull();
    }
}
