package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.zerodrop.analysis.PodTermination;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.DrainNode;
import io.zerodrop.ledger.LedgerSnapshot;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes runtime's observer and ground truth against the mock API server, with the kubelet's part played by
 * the test: a pod's container ends with target-app's termination message, the live pods answer /metrics through the
 * pod proxy, and disruption of a pod outside the workload is refused.
 */
@Tag("slow")
class KubernetesRuntimeTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final MockCluster mock = MockCluster.shop(3, 3);
    ScriptedCluster cluster;
    KubernetesClient client;
    Cluster connected;

    @BeforeEach
    void start() throws Exception {
        cluster = mock.cluster();
        client = mock.client();
        connected = mock.closeAfter(Cluster.connect(new ClusterOptions(cluster.kubeconfig(tmp, "staging", "shop"),
                null, null), null));
    }

    /** The runtime attached to the shop's Deployment web, its watches synced. */
    private KubernetesRuntime attached(Timeline timeline, Undo undo) {
        KubernetesRuntime rt = new KubernetesRuntime(connected, ClusterTarget.find(client, "shop", "deployment/web"),
                "http://10.0.0.1", "--url", timeline, undo);
        rt.start(null, ScriptedCluster.GENEROUS);
        return rt;
    }

    private static String metrics(long ok, long cut, long inFlight) {
        return "# HELP targetapp_requests_total x\n# TYPE targetapp_requests_total counter\n"
                + "targetapp_requests_total{outcome=\"ok\"} " + ok + "\ntargetapp_requests_total{outcome=\"error\"} 0\n"
                + "targetapp_requests_total{outcome=\"cut\"} " + cut + "\n"
                + "targetapp_requests_total{outcome=\"client_aborted\"} 0\ntargetapp_requests_in_flight " + inFlight + "\n";
    }

    @Test
    void theServersAccountsComeFromTerminationMessagesAndThePodProxy() {
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = attached(timeline, undo);
            assertThat(rt.pods()).extracting(p -> p.name()).containsExactly("web-1", "web-2", "web-3");

            // a finalizer holds the object after the DELETE, as the kubelet's graceful termination does on a cluster
            // (the mock server removes an object at once otherwise); then the container ends with target-app's last
            // word, played by the test
            client.pods().inNamespace("shop").withName("web-1").edit(p -> new PodBuilder(p).editMetadata()
                    .addToFinalizers("zerodrop.io/test-hold").endMetadata().build());
            rt.deletePod("web-1", 30L, "delete-1");
            client.pods().inNamespace("shop").withName("web-1").edit(p -> new PodBuilder(p).editStatus()
                    .addNewContainerStatus().withName("web").withNewState().withNewTerminated().withExitCode(143)
                    .withReason("Error").withFinishedAt("2027-01-15T08:00:33Z")
                    .withMessage("target-app exit=143 reason=sigterm mode=immediate received=120 ok=118 error=0"
                            + " cut=2 clientAborted=0\n").endTerminated().endState().endContainerStatus().endStatus()
                    .build());
            await().atMost(Duration.ofSeconds(10)).until(() -> timeline.events().stream()
                    .anyMatch(e -> e.type() == EventType.CONTAINER_EXITED));
            assertThat(rt.pods()).as("a pod marked for deletion is no longer live").extracting(p -> p.name())
                    .containsExactly("web-2", "web-3");
            TimelineEvent exit = timeline.ofType(EventType.CONTAINER_EXITED).get(0);
            assertThat(exit.pod()).isEqualTo("web-1");
            assertThat(exit.attributesByKey()).containsEntry("exitCode", "143").containsEntry("nodeFinishedAt",
                    "2027-01-15T08:00:33Z");
            assertThat(timeline.ofType(EventType.POD_MARKED_FOR_DELETION)).extracting(TimelineEvent::pod,
                    TimelineEvent::disruption).containsExactly(Tuple.tuple("web-1", "delete-1"));
            assertThat(exit.disruption()).isEqualTo("delete-1");
            // the shop's pods have no preStop: SIGTERM is placed at the deletion zerodrop saw, marked as inferred
            TimelineEvent marked = timeline.ofType(EventType.POD_MARKED_FOR_DELETION).get(0);
            assertThat(timeline.ofType(EventType.SIGTERM_SENT)).singleElement().satisfies(t -> {
                assertThat(t.pod()).isEqualTo("web-1");
                assertThat(t.atMs()).isEqualTo(marked.atMs());
                assertThat(t.attributesByKey()).containsKey("inferred");
            });
            assertThat(rt.describe().get("inferred")).asString().startsWith("preStop, SIGTERM and SIGKILL are not visible");

            cluster.metrics.put("web-2", metrics(300, 0, 0));
            cluster.metrics.put("web-3", metrics(290, 1, 0));
            rt.close();
            List<LedgerSnapshot> truth = rt.ledgerSource().collect(System.currentTimeMillis() - 1_000);
            assertThat(truth).extracting(LedgerSnapshot::servedBy).containsExactlyInAnyOrder("web-1", "web-2", "web-3");
            LedgerSnapshot last = truth.stream().filter(s -> s.servedBy().equals("web-1")).findFirst().orElseThrow();
            assertThat(last.isFinal()).isTrue();
            assertThat(last.exitCode()).isEqualTo(143);
            assertThat(last.received()).isEqualTo(120);
            assertThat(last.cut()).isEqualTo(2);
            assertThat(truth.stream().mapToLong(LedgerSnapshot::ok).sum()).isEqualTo(118 + 300 + 290);
            assertThat(cluster.calls).filteredOn(c -> c.path().endsWith("/proxy/metrics")).hasSize(2);
        }
    }

    /**
     * A kill as a real API server plays it: the DELETE with grace 0 first writes the deletion (deletionTimestamp,
     * deletionGracePeriodSeconds 0: one MODIFIED), then removes the object (DELETED) before any kubelet reports the
     * container's end. The kubelet runs no preStop with grace 0 and sends SIGTERM at once; the exit code and
     * target-app's counts never reach the API, which the run says instead of summing the others' counts as if whole.
     */
    @Test
    void aKillIsMarkedSignalledAndItsMissingExitIsSaidNotDropped() {
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = attached(timeline, undo);
            // the mock's DELETE only sets deletionTimestamp; a real API server writes deletionGracePeriodSeconds 0 in
            // the same update, so the test puts it on the object beforehand and the one MODIFIED carries both
            client.pods().inNamespace("shop").withName("web-1").edit(p -> new PodBuilder(p).editMetadata()
                    .addToFinalizers("zerodrop.io/test-hold").withDeletionGracePeriodSeconds(0L).endMetadata()
                    .editOrNewSpec().addNewContainer().withName("web")
                    .withNewLifecycle().withNewPreStop().withNewSleep().withSeconds(5L).endSleep().endPreStop()
                    .endLifecycle().endContainer().endSpec().build());
            rt.deletePod("web-1", 0L, "kill-1");
            await().atMost(Duration.ofSeconds(10)).until(() -> !timeline.ofType(EventType.SIGTERM_SENT).isEmpty());
            client.pods().inNamespace("shop").withName("web-1").edit(p -> new PodBuilder(p).editMetadata()
                    .withFinalizers(List.of()).endMetadata().build());
            await().atMost(Duration.ofSeconds(10)).until(() -> timeline.events().stream()
                    .anyMatch(e -> "true".equals(e.attribute(Attribute.EXIT_UNKNOWN))));
            TimelineEvent marked = timeline.ofType(EventType.POD_MARKED_FOR_DELETION).get(0);
            assertThat(marked.pod()).isEqualTo("web-1");
            assertThat(marked.attributesByKey()).containsEntry("graceSeconds", "0");
            assertThat(timeline.ofType(EventType.PRESTOP_STARTED)).as("no preStop runs with grace 0").isEmpty();
            assertThat(timeline.ofType(EventType.SIGTERM_SENT)).singleElement().satisfies(t -> {
                assertThat(t.atMs()).isEqualTo(marked.atMs());
                assertThat(t.attribute(Attribute.INFERRED)).contains("grace period 0");
            });
            assertThat(timeline.ofType(EventType.SIGKILL_SENT)).as("not placed without an exit code").isEmpty();
            assertThat(timeline.ofType(EventType.CONTAINER_EXITED)).isEmpty();
            cluster.metrics.put("web-2", metrics(300, 0, 0));
            cluster.metrics.put("web-3", metrics(290, 1, 0));
            rt.close();
            assertThat(rt.ledgerSource().collect(System.currentTimeMillis())).as("no account without web-1's").isEmpty();
            assertThat(timeline.events()).extracting(TimelineEvent::detail).anyMatch(d -> d.startsWith(
                    "ground truth left out: ") && d.contains("pod web-1 was removed before its container's end"));
        }
    }

    @Test
    void aLivePodThatCannotBeReadLeavesTheGroundTruthOutAndSaysWhy() {
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = attached(timeline, undo);
            cluster.metrics.put("web-1", metrics(10, 0, 0));
            rt.close();
            assertThat(rt.ledgerSource().collect(System.currentTimeMillis())).isEmpty();
            assertThat(timeline.events()).extracting(TimelineEvent::detail).anyMatch(d -> d.startsWith(
                    "ground truth left out: ") && d.contains("pod web-2 has no target-app metrics at ")
                    && d.contains("/api/v1/namespaces/shop/pods/web-2/proxy/metrics"));
        }
    }

    @Test
    void onlyTheWorkloadsOwnLivePodsCanBeDisrupted() {
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = attached(timeline, undo);
            client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("cart-1")
                    .withLabels(Map.of("app", "cart")).endMetadata().build()).create();
            cluster.calls.clear();
            Assertions.assertThatThrownBy(() -> rt.deletePod("cart-1", null, "d"))
                    .hasMessage("pod \"cart-1\" is not a live pod of Deployment web: zerodrop only ever disrupts the"
                            + " target workload's own pods");
            Assertions.assertThatThrownBy(() -> rt.evict("cart-1", "d"))
                    .hasMessageContaining("not a live pod of Deployment web");
            assertThat(cluster.mutations()).isEmpty();
            rt.close();
        }
    }

    /**
     * A watch that expires mid-run, through the wire: the pod watch the informer opens after its first list is held by the test, a pod is
     * deleted while nothing reaches the watcher, then the watch ends with 410 Gone as a compacted API server ends it.
     * fabric8 relists; the deletion it missed arrives as a delete of unknown final state; both are in the report.
     */
    @Test
    void aWatchThatExpiresWithGoneMidRunIsResyncedAndTheGapReported() throws Exception {
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            cluster.holdNextWatch("/api/v1/namespaces/shop/pods?");
            KubernetesRuntime rt = attached(timeline, undo);
            client.pods().inNamespace("shop").withName("web-2").delete();
            assertThat(rt.pods()).as("the held watch told nothing").extracting(p -> p.name()).contains("web-2");
            cluster.expireWatch("/api/v1/namespaces/shop/pods?");
            await().atMost(Duration.ofSeconds(20)).until(() -> rt.pods().stream().noneMatch(p -> p.name().equals("web-2")));
            await().atMost(Duration.ofSeconds(5)).until(() -> rt.describe().containsKey("watchGaps")
                    && ((List<?>) rt.describe().get("watchGaps")).size() == 2);
            @SuppressWarnings("unchecked")
            List<String> gaps = (List<String>) rt.describe().get("watchGaps");
            assertThat(gaps.get(0)).startsWith("pod watch relisted at ").endsWith(": transitions in between may be"
                    + " missing");
            assertThat(gaps.get(1)).isEqualTo("pod web-2 was deleted while the watch was down");
            assertThat(rt.pods()).extracting(p -> p.name()).containsExactly("web-1", "web-3");
            rt.close();
        }
    }

    /**
     * The EndpointSlice watch expires (410) while a slice changes: the informer relists, the change arrives with the
     * relist, and the report says the endpoint view had a gap — the out-of-rotation moment after it is when the relist
     * delivered it, not when the control plane made it.
     */
    @Test
    void anEndpointSliceWatchThatExpiresIsAGapInTheReport() throws Exception {
        String slices = "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices?";
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            cluster.holdNextWatch(slices);
            KubernetesRuntime rt = attached(timeline, undo);
            var slice = EventTranslatorTest.slice("web-abc", new Object[] {"web-1", null, null, null});
            slice.getMetadata().setLabels(Map.of("kubernetes.io/service-name", "web"));
            client.discovery().v1().endpointSlices().inNamespace("shop").resource(slice).create();
            cluster.expireWatch(slices);
            await().atMost(Duration.ofSeconds(20)).until(() -> !timeline.ofType(EventType.ENDPOINT_READY).isEmpty());
            @SuppressWarnings("unchecked")
            List<String> gaps = (List<String>) rt.describe().get("watchGaps");
            assertThat(gaps).singleElement().asString().startsWith("EndpointSlice watch of Service web relisted at ")
                    .contains("endpoint transitions in between may be missing");
            assertThat(timeline.ofType(EventType.NOTE)).anySatisfy(e -> assertThat(e.detail())
                    .isEqualTo("EndpointSlice watch of Service web expired and relisted"));
            rt.close();
        }
    }

    @Test
    void aRolloutRestartCompletesWhenTheDeploymentStatusSaysEveryReplicaIsUpdatedAndAvailable() {
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = attached(timeline, undo);
            rt.rolloutRestart("roll");
            assertThat(cluster.mutations()).filteredOn(c -> c.method().equals("PATCH")).singleElement()
                    .satisfies(c -> assertThat(c.body()).contains("kubectl.kubernetes.io/restartedAt"));
            // the controller's part, played by the test: part way, then done
            client.apps().deployments().inNamespace("shop").withName("web").edit(d -> new io.fabric8.kubernetes.api
                    .model.apps.DeploymentBuilder(d).editMetadata().withGeneration(2L).endMetadata().editStatus()
                    .withObservedGeneration(2L).withUpdatedReplicas(1).withReplicas(4).withAvailableReplicas(3)
                    .endStatus().build());
            client.apps().deployments().inNamespace("shop").withName("web").edit(d -> new io.fabric8.kubernetes.api
                    .model.apps.DeploymentBuilder(d).editStatus().withUpdatedReplicas(3).withReplicas(3)
                    .withAvailableReplicas(3).endStatus().build());
            await().atMost(Duration.ofSeconds(10)).until(() -> !timeline.ofType(EventType.ROLLOUT_COMPLETE).isEmpty());
            assertThat(timeline.ofType(EventType.ROLLOUT_COMPLETE)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.disruption()).isEqualTo("roll");
                        // completed by the second status, not by the first (1 of 3 updated, 4 replicas)
                        assertThat(e.detail()).startsWith("rollout complete: 3 updated replicas available");
                    });
            // surge and unavailable as the controller reported them on the way
            assertThat(timeline.ofType(EventType.ROLLOUT_PROGRESS)).extracting(TimelineEvent::detail).contains(
                    "Deployment web: 4 pods for 3 desired (surge 1), 1 updated, 3 ready, 3 available (unavailable 0)");
            assertThat(rt.describe().get("rollout")).isEqualTo("at most 1 pods beyond the desired count and 0 desired"
                    + " replicas unavailable at once during the run (Deployment status)");
            assertThat(rt.describe().get("apiServerClock")).asString().contains(" ms ± ").contains("Date header");
            rt.close();
        }
    }

    /**
     * drain-node through the API: cordon first, every workload pod on the node evicted (a PodDisruptionBudget refusal
     * recorded with the server's words and retried by zerodrop's own loop until accepted), uncordon last.
     */
    @Test
    void aDrainCordonsEvictsWithRetriesAndUncordons() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1")
                .endMetadata().withNewSpec().withPodCIDR("10.42.0.0/24").endSpec().build()).create();
        cluster.evictionAnswers.add(ScriptedCluster.status(429, "Cannot evict pod as it would violate the pod's"
                + " disruption budget.", "DisruptionBudget", "The disruption budget web needs 2 healthy pods and has 2"
                + " currently"));
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = attached(timeline, undo);
            cluster.calls.clear();
            new DrainNode("node-1", 10_000, 100, 1).apply(rt, timeline, "drain");
            List<String> all = cluster.mutations().stream().map(c -> c.method() + " " + c.path()
                    + (c.path().startsWith("/api/v1/nodes") ? " " + c.body() : "")).toList();
            // the run's Lease first: the cordon is a change to be put back even if zerodrop is killed
            assertThat(all.get(0)).isEqualTo("POST /apis/coordination.k8s.io/v1/namespaces/shop/leases");
            List<String> mutations = all.subList(1, all.size());
            // cordoned only if still as read: a JSON Patch that tests the node's resourceVersion, and records the
            // cordon on the node in the same request
            assertThat(mutations.get(0)).startsWith("PATCH /api/v1/nodes/node-1 [{\"op\":\"test\",\"path\":"
                    + "\"/metadata/resourceVersion\",\"value\":").contains("{\"op\":\"add\",\"path\":"
                    + "\"/metadata/annotations/zerodrop.io~1undo-").endsWith(",{\"op\":\"add\",\"path\":"
                    + "\"/spec/unschedulable\",\"value\":true}]");
            // uncordoned by its record: spec.unschedulable as it was (absent), the record removed with it
            assertThat(mutations.get(mutations.size() - 1)).startsWith("PATCH /api/v1/nodes/node-1 [")
                    .contains("{\"op\":\"remove\",\"path\":\"/spec/unschedulable\"}",
                            "{\"op\":\"remove\",\"path\":\"/metadata/annotations/zerodrop.io~1undo-");
            assertThat(mutations.subList(1, mutations.size() - 1)).as("three evictions, one refused and retried")
                    .hasSize(4).allMatch(m -> m.startsWith("POST /api/v1/namespaces/shop/pods/web-")
                            && m.endsWith("/eviction"));
            assertThat(timeline.ofType(EventType.EVICTION_REFUSED)).singleElement().satisfies(e -> assertThat(
                    e.detail()).contains("The disruption budget web needs 2 healthy pods and has 2 currently"));
            assertThat(client.pods().inNamespace("shop").list().getItems()).as("every pod on the node evicted")
                    .isEmpty();
            assertThat(client.nodes().withName("node-1").get().getSpec().getUnschedulable()).isNull();
            assertThat(client.nodes().withName("node-1").get().getMetadata().getAnnotations()).isNullOrEmpty();
            rt.close();
            // the uncordon was the registered undo, run once: the teardown does not patch the node again
            assertThat(cluster.mutations()).filteredOn(c -> c.path().startsWith("/api/v1/nodes")).hasSize(2);
        }
    }

    /**
     * A pod found at attach with an old restart in its containerStatuses (lastState terminated: OOMKilled days ago) —
     * its history, not an exit of this run: no CONTAINER_EXITED on the timeline (findings would blame the run), a note
     * that says what it was. An exit during the run is still an exit.
     */
    /**
     * A StatefulSet's pod deleted as a real cluster plays it: marked, its container exits, the object goes, and the
     * StatefulSet controller creates a new pod under the same name (a new uid), not ready, then Ready. The new pod is
     * web-1#2 in the timeline and the replacement of web-1 — the old pod's termination and the new pod's start are
     * two pods' events, and the termination has its replacement's times.
     */
    @Test
    void aStatefulSetsPodRecreatedUnderItsNameIsItsReplacementAndAPodOfItsOwn() {
        client.apps().statefulSets().inNamespace("shop").resource(new StatefulSetBuilder().withNewMetadata()
                .withName("db").endMetadata().withNewSpec().withReplicas(3).withServiceName("web").withNewSelector()
                .withMatchLabels(Map.of("app", "web")).endSelector().withNewTemplate().withNewMetadata()
                .withLabels(Map.of("app", "web")).endMetadata().withNewSpec().addNewContainer().withName("db")
                .withImage("shop/db:1").endContainer().endSpec().endTemplate().endSpec().withNewStatus()
                .withReplicas(3).withReadyReplicas(3).endStatus().build()).createOr(NonDeletingOperation::update);
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = new KubernetesRuntime(connected, ClusterTarget.find(client, "shop",
                    "statefulset/db"), "http://10.0.0.1", "--url", timeline, undo);
            rt.start(null, ScriptedCluster.GENEROUS);
            client.pods().inNamespace("shop").withName("web-1").edit(p -> new PodBuilder(p).editMetadata()
                    .addToFinalizers("zerodrop.io/test-hold").endMetadata().build());
            rt.deletePod("web-1", 30L, "delete-1");
            client.pods().inNamespace("shop").withName("web-1").edit(p -> new PodBuilder(p).editStatus()
                    .addNewContainerStatus().withName("db").withNewState().withNewTerminated().withExitCode(0)
                    .withReason("Completed").endTerminated().endState().endContainerStatus().endStatus().build());
            await().atMost(Duration.ofSeconds(10)).until(() -> !timeline.ofType(EventType.CONTAINER_EXITED).isEmpty());
            client.pods().inNamespace("shop").withName("web-1").edit(p -> new PodBuilder(p).editMetadata()
                    .withFinalizers(List.of()).endMetadata().build());
            await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace("shop").withName("web-1")
                    .get() == null);
            String uid = client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata()
                    .withName("web-1").withLabels(Map.of("app", "web")).endMetadata().withNewSpec()
                    .withNodeName("node-1").endSpec().withNewStatus().addNewCondition().withType("Ready")
                    .withStatus("False").endCondition().endStatus().build()).create().getMetadata().getUid();
            client.pods().inNamespace("shop").withName("web-1").edit(p -> new PodBuilder(p).editStatus()
                    .editFirstCondition().withStatus("True").endCondition().endStatus().build());
            await().atMost(Duration.ofSeconds(10)).until(() -> !timeline.ofType(EventType.REPLACEMENT_READY).isEmpty());

            assertThat(timeline.ofType(EventType.POD_MARKED_FOR_DELETION)).extracting(TimelineEvent::pod)
                    .containsExactly("web-1");
            assertThat(timeline.ofType(EventType.CONTAINER_EXITED)).extracting(TimelineEvent::pod)
                    .containsExactly("web-1");
            assertThat(timeline.ofType(EventType.REPLACEMENT_STARTED)).singleElement().satisfies(e -> {
                assertThat(e.pod()).isEqualTo("web-1#2");
                assertThat(e.attributesByKey()).containsEntry("replaces", "web-1");
                assertThat(e.disruption()).isEqualTo("delete-1");
                assertThat(e.detail()).contains("under the name of web-1 (a pod of its own, uid " + uid + ")",
                        "the replacement of the deleted pod of its name");
            });
            assertThat(timeline.ofType(EventType.REPLACEMENT_READY)).extracting(TimelineEvent::pod)
                    .containsExactly("web-1#2");
            assertThat(PodTermination.from(timeline.events())).singleElement().satisfies(t -> {
                assertThat(t.pod()).isEqualTo("web-1");
                assertThat(t.exitCode()).isZero();
                assertThat(t.replacement()).isEqualTo("web-1#2");
                assertThat(t.replacementReadyMs()).isPositive();
            });
            assertThat(rt.pods()).extracting(p -> p.name()).contains("web-1");
            rt.close();
        }
    }

    /** The data path's lag behind the EndpointSlice: kube-proxy's 1 s, unless the scenario states its own. */
    @Test
    void theRoutingAllowanceIsKubeProxysUnlessTheScenarioStatesOne() {
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = new KubernetesRuntime(connected, ClusterTarget.find(client, "shop",
                    "deployment/web"), "http://10.0.0.1", "--url", timeline, undo);
            assertThat(rt.withRoutingAllowance(null).routingAllowance().ms()).isEqualTo(1_000);
            assertThat(rt.routingAllowance().why()).contains("minSyncPeriod");
            assertThat(rt.withRoutingAllowance(Duration.ofSeconds(3)).routingAllowance()).satisfies(a -> {
                assertThat(a.ms()).isEqualTo(3_000);
                assertThat(a.why()).contains("traffic.routingAllowance in the scenario (3000 ms");
            });
        }
    }

    @Test
    void restartHistoryFoundAtAttachIsNotAnExitOfTheRun() {
        client.pods().inNamespace("shop").withName("web-2").edit(p -> new PodBuilder(p).editOrNewStatus()
                .addNewContainerStatus().withName("web").withRestartCount(1).withReady(true).withNewState()
                .withNewRunning().withStartedAt("2026-11-30T08:00:05Z").endRunning().endState().withNewLastState()
                .withNewTerminated().withExitCode(137).withReason("OOMKilled").withFinishedAt("2026-11-30T08:00:00Z")
                .endTerminated().endLastState().endContainerStatus().endStatus().build());
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = attached(timeline, undo);
            assertThat(timeline.ofType(EventType.CONTAINER_EXITED)).isEmpty();
            assertThat(timeline.ofType(EventType.NOTE)).anySatisfy(e -> {
                assertThat(e.pod()).isEqualTo("web-2");
                assertThat(e.detail()).isEqualTo("restart history before this run: exit code 137 (OOMKilled)"
                        + " (container web, node time 2026-11-30T08:00:00Z); not an exit of this run");
            });
            // the same container exiting during the run is an exit of the run
            client.pods().inNamespace("shop").withName("web-2").edit(p -> new PodBuilder(p).editStatus()
                    .editFirstContainerStatus().withRestartCount(2).editLastState().editTerminated()
                    .withFinishedAt("2026-12-04T06:00:00Z").endTerminated().endLastState().endContainerStatus()
                    .endStatus().build());
            await().atMost(Duration.ofSeconds(10)).until(() -> !timeline.ofType(EventType.CONTAINER_EXITED).isEmpty());
            assertThat(timeline.ofType(EventType.CONTAINER_EXITED)).singleElement().satisfies(e ->
                    assertThat(e.attributesByKey()).containsEntry("nodeFinishedAt", "2026-12-04T06:00:00Z"));
            rt.close();
        }
    }

    /**
     * A workload that does not get ready within the start budget: the error says the budget, how to raise it, and
     * which pods are pending in the kubelet's words — and nothing was changed meanwhile.
     */
    @Test
    void anAttachThatRunsOutOfItsStartBudgetNamesThePodsStillPendingAndWhy() {
        client.apps().deployments().inNamespace("shop").withName("web").edit(d -> new DeploymentBuilder(d)
                .editStatus().withReadyReplicas(2).endStatus().build());
        client.pods().inNamespace("shop").withName("web-3").edit(p -> new PodBuilder(p).editStatus().withPhase("Pending")
                .editFirstCondition().withStatus("False").endCondition().addNewContainerStatus().withName("web")
                .withReady(false).withNewState().withNewWaiting().withReason("ImagePullBackOff").withMessage(
                        "Back-off pulling image \"shop/web:2\"").endWaiting().endState().endContainerStatus()
                .endStatus().build());
        int before = cluster.calls.size();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = new KubernetesRuntime(connected, ClusterTarget.find(client, "shop", "deployment/web"),
                    "http://10.0.0.1", "--url", new Timeline(), undo);
            Assertions.assertThatThrownBy(() -> rt.start(null, Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(ZerodropException.class, e -> assertThat(e.exitCode())
                            .isEqualTo(ExitCodes.ENVIRONMENT))
                    .hasMessageContaining("Deployment web in namespace shop is not fully ready after the start budget"
                            + " of 1 s (target.startBudget in the scenario or --start-budget give a slow start more"
                            + " time): 2 of 3 replicas ready; still pending: web-3: Pending, container web"
                            + " ImagePullBackOff (Back-off pulling image \"shop/web:2\")")
                    .hasMessageNotContaining("web-1").hasMessageNotContaining("web-2");
            rt.close();
            assertThat(cluster.calls.subList(before, cluster.calls.size())).as("nothing changed").allMatch(c ->
                    c.method().equals("GET"));
        }
    }

    /** A watch the server refuses to list is an environment error naming what was watched and the server's words. */
    @Test
    void aWatchTheServerRefusesToListSaysWhichAndWhy() {
        cluster.answerInstead = c -> c.method().equals("GET") && c.path().startsWith("/api/v1/namespaces/shop/events")
                ? ScriptedCluster.status(403, "events is forbidden: User \\\"ci\\\" cannot list resource \\\"events\\\""
                        + " in API group \\\"\\\" in the namespace \\\"shop\\\"", null, null) : null; // JSON-escaped
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = new KubernetesRuntime(connected, ClusterTarget.find(client, "shop", "deployment/web"),
                    "http://10.0.0.1", "--url", new Timeline(), undo);
            Assertions.assertThatThrownBy(() -> rt.start(null, ScriptedCluster.GENEROUS))
                    .isInstanceOfSatisfying(ZerodropException.class, e -> assertThat(e.exitCode())
                            .isEqualTo(ExitCodes.ENVIRONMENT))
                    .hasMessageContaining("cannot watch the events in namespace shop on ")
                    .hasMessageContaining("403")
                    .hasMessageContaining("cannot list resource \"events\"");
            rt.close();
        }
    }

    /**
     * Traffic that does not stop when the EndpointSlice marks a pod terminating is named in the report: a Service
     * that publishes not-ready addresses, and a single replica (kube-proxy routes to terminating-but-serving
     * endpoints when there is no other). Neither is said of an ordinary three-replica Service.
     */
    @Test
    void routingThatOutlivesTerminatingIsNamedInTheReportHeader() {
        Timeline plain = new Timeline();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = attached(plain, undo);
            assertThat(rt.describe()).doesNotContainKey("routingCaveats");
            rt.close();
        }
        client.services().inNamespace("shop").withName("web").edit(svc -> new ServiceBuilder(svc).editSpec().withPublishNotReadyAddresses(true).endSpec().build());
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = attached(timeline, undo);
            assertThat(rt.describe().get("routingCaveats")).asList().singleElement().asString()
                    .startsWith("Service web publishes not-ready addresses");
            assertThat(timeline.ofType(EventType.NOTE)).anySatisfy(e -> assertThat(e.detail())
                    .startsWith("Service web publishes not-ready addresses"));
            rt.close();
        }
        client.apps().deployments().inNamespace("shop").withName("web").edit(d -> new DeploymentBuilder(d)
                .editSpec().withReplicas(1).endSpec().build());
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = attached(new Timeline(), undo);
            assertThat(rt.describe().get("routingCaveats")).asList().hasSize(2).last().asString()
                    .startsWith("one replica: while its only endpoint is terminating but still serving");
            rt.close();
        }
    }

    /**
     * A node an administrator cordoned before the run: the drain evicts its pods but never patches the node — not to
     * cordon it, not to uncordon it, not in the teardown. The node stays theirs.
     */
    @Test
    void aDrainOfANodeCordonedBeforeTheRunNeverUncordonsIt() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().withNewSpec()
                .withUnschedulable(true).endSpec().build()).create();
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            KubernetesRuntime rt = attached(timeline, undo);
            cluster.calls.clear();
            new DrainNode("node-1", 10_000, 100, 1).apply(rt, timeline, "drain");
            rt.close();
            assertThat(cluster.mutations()).filteredOn(c -> c.path().startsWith("/api/v1/nodes")).isEmpty();
            assertThat(cluster.mutations()).filteredOn(c -> c.path().endsWith("/eviction")).hasSize(3);
            assertThat(client.nodes().withName("node-1").get().getSpec().getUnschedulable()).isTrue();
            assertThat(timeline.ofType(EventType.NOTE)).anySatisfy(e -> assertThat(e.detail()).isEqualTo(
                    "node-1 was already cordoned (not by this run): left as it was"));
        }
    }
}
