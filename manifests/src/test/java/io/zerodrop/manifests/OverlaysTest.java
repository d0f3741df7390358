package io.zerodrop.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("slow")
class OverlaysTest {

    @ParameterizedTest
    @CsvSource({
        "overlays/naive,            Deployment;Service;Service;ServiceAccount",
        "overlays/hardened,         Deployment;PodDisruptionBudget;Service;Service;ServiceAccount",
        "overlays/strict-pdb,       Deployment;PodDisruptionBudget;Service;Service;ServiceAccount",
        "overlays/shell-entrypoint, Deployment;Service;Service;ServiceAccount",
    })
    void overlayRendersToTheExpectedObjects(String overlay, String kinds) throws Exception {
        assertThat(Rendered.of(overlay).kinds()).containsExactly(kinds.split(";"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/naive", "overlays/hardened", "overlays/strict-pdb", "overlays/shell-entrypoint"})
    void servicesAndSelectorsReachThePods(String overlay) throws Exception {
        Rendered r = Rendered.of(overlay);
        Deployment d = r.one(Deployment.class);
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsKeys("app", "tier", "version", "environment");
        assertThat(podLabels).containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        assertThat(d.getSpec().getSelector().getMatchLabels()).doesNotContainKey("version");
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        Container c = container(d);
        assertThat(c.getImage()).isEqualTo("zerodrop/target-app:dev");
        List<Service> services = r.all(Service.class);
        assertThat(services).extracting(s -> s.getSpec().getType()).containsExactlyInAnyOrder("ClusterIP", "NodePort");
        for (Service s : services) {
            assertThat(podLabels).containsAllEntriesOf(s.getSpec().getSelector());
            assertThat(resolvesToContainerPort(c, s.getSpec().getPorts().get(0).getTargetPort()))
                    .as("Service %s targetPort is a container port", s.getMetadata().getName()).isTrue();
        }
    }

    @Test
    void hardenedHasProbesOnTheRightPortPreStopAGraceThatCoversTheDrainAndAMatchingBudget() throws Exception {
        Rendered r = Rendered.of("overlays/hardened");
        Deployment d = r.one(Deployment.class);
        Container c = container(d);

        Probe readiness = c.getReadinessProbe();
        assertThat(readiness).isNotNull();
        assertThat(readiness.getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(resolvesToContainerPort(c, readiness.getHttpGet().getPort())).isTrue();
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(resolvesToContainerPort(c, c.getLivenessProbe().getHttpGet().getPort())).isTrue();
        assertThat(c.getStartupProbe()).isNotNull();
        assertThat(resolvesToContainerPort(c, c.getStartupProbe().getHttpGet().getPort())).isTrue();

        assertThat(env(c, "SHUTDOWN_MODE")).contains("graceful");
        long preStopSeconds = preStopSleepSeconds(c.getLifecycle().getPreStop());
        assertThat(preStopSeconds).isBetween(5L, 10L);
        long appSeconds = (Long.parseLong(env(c, "SHUTDOWN_DELAY_MS").orElseThrow())
                + Long.parseLong(env(c, "DRAIN_TIMEOUT_MS").orElseThrow()) + 999) / 1000;
        long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertThat(grace).as("grace > preStop + app delay + drain").isGreaterThan(preStopSeconds + appSeconds);

        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString(0));
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge()).isEqualTo(new IntOrString(1));

        PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
        assertThat(pdb.getSpec().getMinAvailable()).isNull();
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void naiveHasNoneOfTheProtections() throws Exception {
        Rendered r = Rendered.of("overlays/naive");
        Container c = container(r.one(Deployment.class));
        assertThat(c.getReadinessProbe()).isNull();
        assertThat(c.getLivenessProbe()).isNull();
        assertThat(c.getStartupProbe()).isNull();
        assertThat(c.getLifecycle()).isNull();
        assertThat(env(c, "SHUTDOWN_MODE")).contains("immediate");
        assertThat(r.all(PodDisruptionBudget.class)).isEmpty();
    }

    @Test
    void strictPdbDemandsEveryReplicaSoNoDisruptionIsEverAllowed() throws Exception {
        Rendered r = Rendered.of("overlays/strict-pdb");
        Deployment d = r.one(Deployment.class);
        PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMaxUnavailable()).isNull();
        assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(d.getSpec().getReplicas()));
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        assertThat(container(d).getReadinessProbe()).isNotNull(); // otherwise hardened
    }

    @Test
    void shellEntrypointSwallowsSigterm() throws Exception {
        Rendered r = Rendered.of("overlays/shell-entrypoint");
        Container c = container(r.one(Deployment.class));
        assertThat(env(c, "SHUTDOWN_MODE")).contains("ignore");
        assertThat(c.getLifecycle()).isNull();
        assertThat(r.all(PodDisruptionBudget.class)).isEmpty();
    }

    private static Container container(Deployment d) {
        List<Container> cs = d.getSpec().getTemplate().getSpec().getContainers();
        assertThat(cs).hasSize(1);
        return cs.get(0);
    }

    private static Optional<String> env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst();
    }

    private static boolean resolvesToContainerPort(Container c, IntOrString port) {
        for (ContainerPort cp : c.getPorts()) {
            if (port.getIntVal() != null ? port.getIntVal().equals(cp.getContainerPort())
                    : port.getStrVal().equals(cp.getName())) {
                return true;
            }
        }
        return false;
    }

    private static long preStopSleepSeconds(LifecycleHandler preStop) {
        assertThat(preStop).as("preStop").isNotNull();
        if (preStop.getSleep() != null) {
            return preStop.getSleep().getSeconds();
        }
        List<String> cmd = preStop.getExec().getCommand();
        assertThat(cmd).hasSize(2).first().isEqualTo("sleep");
        return Long.parseLong(cmd.get(1));
    }
}
