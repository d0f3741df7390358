package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.gatling.GeneratorLog;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.traffic.GeneratorRow;
import io.zerodrop.traffic.LoadResult;
import io.zerodrop.traffic.TrafficListener;
import io.zerodrop.traffic.TrafficPlan;
import io.zerodrop.traffic.fleet.FleetRunner;
import io.zerodrop.traffic.fleet.RecordingTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generators as an Indexed Job, on fabric8's mock API server. The test plays the Job controller and the
 * kubelet: for each index it runs the pod's own command from the Job zerodrop created (java, the generator, its
 * properties — only the image's paths mapped to this machine) as a real process with JOB_COMPLETION_INDEX set, and
 * answers the pod proxy by forwarding to it. zerodrop drives them through the proxy exactly as on a cluster.
 */
@Tag("slow")
class JobFleetTest {
    @TempDir
    Path tmp;

    private final List<Process> pods = new CopyOnWriteArrayList<>();
    private RecordingTarget target;
    private Map<String, Long> received;

    @AfterEach
    void stop() {
        pods.forEach(Process::destroyForcibly);
        if (target != null) {
            target.close();
        }
    }

    private String startTarget() throws IOException {
        target = new RecordingTarget();
        received = target.received;
        return target.url();
    }

    private void playJob(ScriptedCluster cluster, KubernetesClient client, List<Long> skewsMs, long proxyDelayMs) {
        JobPlayer.play(cluster, client, tmp, skewsMs, proxyDelayMs, pods);
    }

    private static FleetRunner runner(KubernetesClient client, String url, Undo undo, long resolutionMs) {
        return new FleetRunner(new JobFleet(client, "shop", "zerodrop/gatling-sims:dev", url, "r1", undo, r -> { },
                60_000), 2, resolutionMs, undo);
    }

    @Test
    void twoPodsDrivenThroughThePodProxyGiveOneRunOnThisHostsClock() throws Exception {
        String url = startTarget();
        TrafficPlan plan = LoadSpec.of("fresh-connections", 30, 1, 3).toPlan(url, tmp.resolve("out"), false);
        LoadResult r;
        try (ScriptedCluster cluster = new ScriptedCluster(); KubernetesClient client = cluster.client()) {
            playJob(cluster, client, List.of(0L, 2_500L), 0);
            try (Undo undo = new Undo()) {
                r = runner(client, url, undo, 100).run(plan, new TrafficListener() { });
            }
            // the generators were started together and read through the proxy, in chunks
            List<String> proxied = cluster.calls.stream().map(ScriptedCluster.Call::path)
                    .filter(p -> p.contains("/proxy/control")).toList();
            assertThat(proxied).anyMatch(p -> p.equals("/api/v1/namespaces/shop/pods/zerodrop-load-r1-0-x0:8089/"
                    + "proxy/control?c=start")).anyMatch(p -> p.contains("-1-x1:8089/proxy/control?c=log%20"))
                    .anyMatch(p -> p.endsWith("control?c=finish"));
            long[] starts = proxied.stream().filter(p -> p.contains("control?c=go%20")).mapToLong(p -> Long.parseLong(
                    p.substring(p.lastIndexOf("%20") + 3))).toArray();
            assertThat(starts).hasSize(2);
            assertThat(Math.abs(starts[1] - starts[0] - 2_500)).as("one moment, told on each generator's own clock")
                    .isLessThanOrEqualTo(r.logs().get(1).uncertaintyMs() + r.logs().get(0).uncertaintyMs() + 1);
            // the Job went with its pods when the run ended
            assertThat(cluster.calls).anySatisfy(c -> {
                assertThat(c.method()).isEqualTo("DELETE");
                assertThat(c.path()).isEqualTo("/apis/batch/v1/namespaces/shop/jobs/zerodrop-load-r1");
                assertThat(c.body()).contains("\"propagationPolicy\":\"Foreground\"");
            });
            assertThat(client.batch().v1().jobs().inNamespace("shop").list().getItems()).isEmpty();
        }
        assertThat(r.logs()).extracting(GeneratorLog::name).containsExactly("zerodrop-load-r1-0-x0",
                "zerodrop-load-r1-1-x1");
        assertThat(r.generators()).extracting(GeneratorRow::where).containsExactly("node node-0", "node node-1");
        GeneratorLog skewed = r.logs().get(1);
        assertThat(Math.abs(skewed.offsetMs() - 2_500)).isLessThanOrEqualTo(skewed.uncertaintyMs());
        List<RequestRecord> records = RecordingTarget.merged(r.logs());
        assertThat(records).hasSize(received.size()).allMatch(RequestRecord::ok);
        assertThat(received.keySet().stream().map(id -> id.replaceAll("-\\d+$", "")).distinct()).hasSize(2);
        // on one clock, every request reached the target after the earliest corrected start
        long firstStart = records.stream().mapToLong(RequestRecord::startMs).min().orElseThrow();
        long firstReceived = received.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        assertThat(firstStart).isLessThanOrEqualTo(firstReceived + skewed.uncertaintyMs() + 1);
    }

    /** A proxy 120 ms slow to carry clock readings: each is known to ± 60 ms, worse than the 20 ms asked. */
    @Test
    void aClockKnownWorseThanTheResolutionIsRefusedWithTheGeneratorsNamed() throws Exception {
        String url = startTarget();
        TrafficPlan plan = LoadSpec.of("fresh-connections", 10, 0, 1).toPlan(url, tmp.resolve("out"), false);
        try (ScriptedCluster cluster = new ScriptedCluster(); KubernetesClient client = cluster.client()) {
            playJob(cluster, client, List.of(0L, 0L), 120);
            try (Undo undo = new Undo()) {
                assertThatThrownBy(() -> runner(client, url, undo, 20).run(plan, new TrafficListener() { }))
                        .isInstanceOfSatisfying(ZerodropException.class, e -> {
                            assertThat(e.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT);
                            assertThat(e.getMessage()).contains("zerodrop-load-r1-0-x0 (± ", "zerodrop-load-r1-1-x1 (± ",
                                    "more than the 20 ms the verdict needs");
                        });
            }
            assertThat(client.batch().v1().jobs().inNamespace("shop").list().getItems()).isEmpty();
        }
    }

    @Test
    void anInterruptedLoadDeletesTheJobAndItsPods() throws Exception {
        String url = startTarget();
        TrafficPlan plan = LoadSpec.of("fresh-connections", 20, 1, 60).toPlan(url, tmp.resolve("out"), false);
        try (ScriptedCluster cluster = new ScriptedCluster(); KubernetesClient client = cluster.client()) {
            playJob(cluster, client, List.of(0L, 0L), 0);
            Undo undo = new Undo();
            CountDownLatch injecting = new CountDownLatch(1);
            List<Throwable> thrown = new CopyOnWriteArrayList<>();
            Thread run = new Thread(() -> {
                try {
                    runner(client, url, undo, 100).run(plan, new TrafficListener() {
                        @Override
                        public void injectionStarted(long seenMs) {
                            injecting.countDown();
                        }
                    });
                } catch (Throwable t) {
                    thrown.add(t);
                }
            });
            run.start();
            assertThat(injecting.await(120, TimeUnit.SECONDS)).isTrue();
            run.interrupt(); // what SIGINT's hook does to the run: stop it, then undo everything
            undo.close();
            run.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(run.isAlive()).isFalse();
            assertThat(thrown).singleElement().isInstanceOfSatisfying(ZerodropException.class,
                    e -> assertThat(e.exitCode()).isIn(ExitCodes.INTERRUPTED, ExitCodes.ENVIRONMENT));
            assertThat(undo.done()).extracting(Undo.Done::what)
                    .contains("delete load Job zerodrop-load-r1 and its 2 pod(s)");
            assertThat(client.batch().v1().jobs().inNamespace("shop").list().getItems()).isEmpty();
            for (int i = 0; i < 200 && !client.pods().inNamespace("shop").list().getItems().isEmpty(); i++) {
                Thread.sleep(50);
            }
            assertThat(client.pods().inNamespace("shop").list().getItems()).isEmpty();
            for (Process p : pods) {
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /**
     * One generator's container is OOM-killed in the middle of the load: its process dies at once (the proxy answers
     * 503, as a real API server does for a container no longer listening) and the kubelet reports the end a moment
     * later (Failed, terminated OOMKilled, exit 137). The generator is named with the kubelet's words, the other
     * pod's load goes on to its end and is kept.
     */
    @Test
    void aGeneratorPodKilledForMemoryIsNamedWithTheKubeletsWordsAndTheOtherPodsLoadIsKept() throws Exception {
        String url = startTarget();
        TrafficPlan plan = LoadSpec.of("fresh-connections", 20, 1, 5).toPlan(url, tmp.resolve("out"), false);
        List<String> lost = new CopyOnWriteArrayList<>();
        LoadResult r;
        try (ScriptedCluster cluster = new ScriptedCluster(); KubernetesClient client = cluster.client()) {
            playJob(cluster, client, List.of(0L, 0L), 0);
            Thread oomKiller = new Thread(() -> {
                while (received.keySet().stream().filter(id -> id.replaceAll("-\\d+$", "").endsWith("g1")).count()
                        < 10) {
                    if (!Sleep.forMs(20)) {
                        return;
                    }
                }
                pods.get(1).destroyForcibly();
                Sleep.forMs(300);
                client.pods().inNamespace("shop").withName("zerodrop-load-r1-1-x1").editStatus(p -> new PodBuilder(p)
                        .editStatus().withPhase("Failed").addNewContainerStatus().withName("load").withRestartCount(0)
                        .withNewState().withNewTerminated().withReason("OOMKilled").withExitCode(137).endTerminated()
                        .endState().endContainerStatus().endStatus().build());
            });
            oomKiller.setDaemon(true);
            try (Undo undo = new Undo()) {
                r = runner(client, url, undo, 100).run(plan, new TrafficListener() {
                    @Override
                    public void injectionStarted(long seenMs) {
                        oomKiller.start();
                    }

                    @Override
                    public void generatorLost(String name, String why) {
                        lost.add(name + ": " + why);
                    }
                });
            }
            assertThat(client.batch().v1().jobs().inNamespace("shop").list().getItems()).isEmpty();
        }
        assertThat(lost).singleElement().asString().startsWith("zerodrop-load-r1-1-x1: load generator pod"
                + " zerodrop-load-r1-1-x1 (node node-1) did not answer").contains("its container was terminated:"
                + " OOMKilled, exit code 137");
        assertThat(r.lostGenerators()).singleElement().asString().startsWith("zerodrop-load-r1-1-x1 (node node-1):")
                .contains("OOMKilled, exit code 137");
        GeneratorLog survivor = r.logs().get(0);
        assertThat(survivor.name()).isEqualTo("zerodrop-load-r1-0-x0");
        assertThat(survivor.cut()).isFalse();
        List<RequestRecord> fromSurvivor = RecordingTarget.merged(List.of(survivor));
        assertThat((long) fromSurvivor.size()).isEqualTo(received.keySet().stream().filter(id -> id.replaceAll(
                "-\\d+$", "").endsWith("g0")).count());
        assertThat(r.generators().get(1).died()).contains("OOMKilled");
    }

    @Test
    void aPodThatCannotPullItsImageFailsTheLaunchAtOnceWithTheKubeletsWords() throws Exception {
        try (ScriptedCluster cluster = new ScriptedCluster(); KubernetesClient client = cluster.client()) {
            cluster.beforeAnswer = call -> {
                if (call.method().equals("POST") && call.path().endsWith("/jobs")) {
                    new Thread(() -> {
                        Sleep.forMs(200);
                        client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata()
                                .withName("zerodrop-load-r1-0-abcde").withNamespace("shop").withLabels(Map.of(
                                        "zerodrop.io/run", "r1", "app.kubernetes.io/managed-by", "zerodrop",
                                        "app.kubernetes.io/component", "load-generator")).endMetadata().withNewStatus()
                                .withPhase("Pending").addNewContainerStatus().withName("load").withNewState()
                                .withNewWaiting().withReason("ErrImagePull").withMessage("pull access denied for"
                                        + " zerodrop/gatling-sims").endWaiting().endState().endContainerStatus()
                                .endStatus().build()).create();
                    }).start();
                }
            };
            try (Undo undo = new Undo()) {
                assertThatThrownBy(() -> runner(client, "http://web.shop.svc", undo, 100).run(LoadSpec.of(
                        "fresh-connections", 10, 0, 1).toPlan("http://web.shop.svc", tmp, false),
                        new TrafficListener() { })).isInstanceOfSatisfying(ZerodropException.class, e -> {
                            assertThat(e.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT);
                            assertThat(e.getMessage()).contains("zerodrop-load-r1-0-abcde cannot start: ErrImagePull:"
                                    + " pull access denied", "kind load docker-image zerodrop/gatling-sims:dev");
                        });
            }
            assertThat(client.batch().v1().jobs().inNamespace("shop").list().getItems()).isEmpty();
        }
    }
}
