package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zerodrop.core.Undo;
import io.zerodrop.scenario.LoadFrom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The in-cluster load generator as an Indexed Job: its spec, and its deletion when the run ends or is interrupted. */
class LoadJobTest {
    static LoadJob job(double rate) {
        int n = LoadFrom.generatorsFor(rate, LoadFrom.defaultGeneratorRate(
                "fresh-connections"));
        return new LoadJob("zerodrop-load-r1", "shop", "zerodrop/gatling-sims:dev", n,
                "io.zerodrop.sims.FreshConnectionsSimulation", Map.of("zerodrop.baseUrl",
                LoadJob.serviceUrl("web", "shop", 80), "zerodrop.rate", String.format(Locale.ROOT, "%.3f",
                rate / n), "zerodrop.durationSeconds", "30"), 5_000, 2_000, 100_000, "r1");
    }

    @Test
    void eachOfTheIndexedGeneratorsSendsItsShareToTheServicesClusterName() {
        assertThat(LoadFrom.generatorsFor(2_500, 1_000)).isEqualTo(3);
        assertThat(LoadFrom.generatorsFor(50_000, 4_000)).isEqualTo(13);
        assertThat(LoadFrom.generatorsFor(10, 1_000)).isEqualTo(1);
        Job j = job(2_500).toJob();
        assertThat(j.getSpec().getCompletionMode()).isEqualTo("Indexed");
        assertThat(j.getSpec().getParallelism()).isEqualTo(3);
        assertThat(j.getSpec().getCompletions()).isEqualTo(3);
        assertThat(j.getSpec().getBackoffLimit()).isZero();
        var pod = j.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        var c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("zerodrop/gatling-sims:dev");
        assertThat(c.getCommand()).contains("-Dzerodrop.rate=833.333", "-Dzerodrop.baseUrl=http://web.shop.svc",
                "-Dgatling.http.requestTimeout=5000", "-Dgatling.socket.connectTimeout=2000",
                "io.zerodrop.sims.Generator", "http:" + LoadJob.CONTROL_PORT, "/results",
                "io.zerodrop.sims.FreshConnectionsSimulation").doesNotContain("-Dzerodrop.rate=2500.0");
        assertThat(c.getCommand().get(0)).as("exec form: java is PID 1").isEqualTo("java");
        assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort())
                .isEqualTo(LoadJob.CONTROL_PORT));
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactlyInAnyOrder("/results", "/tmp");
        // should zerodrop die unable to undo, the Job ends itself and is cleaned away
        assertThat(j.getSpec().getActiveDeadlineSeconds()).isEqualTo(100 + LoadJob.IDLE_TIMEOUT_SECONDS + 120);
        assertThat(j.getSpec().getTtlSecondsAfterFinished()).isEqualTo(LoadJob.TTL_AFTER_FINISHED_SECONDS);
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                .singleElement().satisfies(t -> assertThat(t.getPodAffinityTerm().getTopologyKey())
                        .isEqualTo("kubernetes.io/hostname"));
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKey("memory");
        assertThat(j.getMetadata().getLabels()).containsEntry("zerodrop.io/run", "r1")
                .containsEntry("app.kubernetes.io/managed-by", "zerodrop");
    }

    /**
     * A namespace that enforces the {@code restricted} Pod Security level admits the generators' pods: the checks of
     * that level (pod-security-admission, v1.25 and later) over the pod the Job's template makes — no host
     * namespaces, ports or paths, not privileged, privilege escalation off, non-root with a non-zero user, a seccomp
     * profile of RuntimeDefault or Localhost, every capability dropped (NET_BIND_SERVICE the only one that may be
     * added), and only volume types the level allows.
     */
    @Test
    void theGeneratorsPodsMeetTheRestrictedPodSecurityLevel() {
        var pod = job(2_500).toJob().getSpec().getTemplate().getSpec();
        var podContext = pod.getSecurityContext();
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getEmptyDir() != null || v.getConfigMap() != null
                || v.getSecret() != null || v.getProjected() != null || v.getDownwardAPI() != null
                || v.getPersistentVolumeClaim() != null || v.getEphemeral() != null || v.getCsi() != null)
                .as("volume %s of a type the restricted level allows", v.getName()).isTrue());
        assertThat(pod.getInitContainers()).isEmpty();
        assertThat(pod.getContainers()).isNotEmpty().allSatisfy(c -> {
            var sc = c.getSecurityContext();
            assertThat(sc).as("container %s has a securityContext", c.getName()).isNotNull();
            assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
            assertThat(sc.getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation must be false").isFalse();
            assertThat(sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : podContext.getRunAsNonRoot()).isTrue();
            Long user = sc.getRunAsUser() != null ? sc.getRunAsUser() : podContext.getRunAsUser();
            assertThat(user).as("runAsUser, where set, is not 0").isNotEqualTo(0L);
            var seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile() : podContext.getSeccompProfile();
            assertThat(seccomp).as("a seccomp profile, on the pod or the container").isNotNull();
            assertThat(seccomp.getType()).isIn("RuntimeDefault", "Localhost");
            assertThat(sc.getCapabilities().getDrop()).contains("ALL");
            assertThat(sc.getCapabilities().getAdd() == null ? List.<String>of() : sc.getCapabilities().getAdd())
                    .isSubsetOf("NET_BIND_SERVICE");
            assertThat(c.getPorts()).allSatisfy(port -> assertThat(port.getHostPort()).isIn(null, 0));
        });
    }

    @Test
    void theJobIsDeletedWithItsPodsByTheUndoRegisteredBeforeItsCreation() throws Exception {
        try (ScriptedCluster cluster = new ScriptedCluster(); KubernetesClient client = cluster.client()) {
            List<String> pendingAtCreate = new CopyOnWriteArrayList<>();
            Undo undo = new Undo();
            cluster.beforeAnswer = call -> {
                if (call.method().equals("POST") && call.path().contains("/jobs")) {
                    pendingAtCreate.add(String.valueOf(undo.pending()));
                }
            };
            job(1_500).create(client, undo, r -> { });
            assertThat(pendingAtCreate).containsExactly("1");
            assertThat(client.batch().v1().jobs().inNamespace("shop").withName("zerodrop-load-r1").get()).isNotNull();
            undo.close(); // what the end of a run, or SIGINT's hook, does
            assertThat(client.batch().v1().jobs().inNamespace("shop").withName("zerodrop-load-r1").get()).isNull();
            assertThat(cluster.calls).anySatisfy(c -> {
                assertThat(c.method()).isEqualTo("DELETE");
                assertThat(c.path()).isEqualTo("/apis/batch/v1/namespaces/shop/jobs/zerodrop-load-r1");
                assertThat(c.body()).contains("\"propagationPolicy\":\"Foreground\"");
            });
        }
    }

    /** The image the Job runs: exec form (java is PID 1 and gets SIGTERM), not root. */
    @Test
    void theLoadGeneratorImageRunsJavaAsPid1AndNotAsRoot() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("user.dir"))
                .resolveSibling("gatling-sims/Dockerfile")).stream().filter(l -> !l.startsWith("#")).toList();
        assertThat(lines).filteredOn(l -> l.startsWith("ENTRYPOINT")).singleElement()
                .satisfies(l -> assertThat(l).startsWith("ENTRYPOINT [\"java\","));
        assertThat(lines).filteredOn(l -> l.startsWith("USER")).singleElement()
                .satisfies(l -> assertThat(l).doesNotContain("root").isNotEqualTo("USER 0"));
    }
}
