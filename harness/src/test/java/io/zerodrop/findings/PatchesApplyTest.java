package io.zerodrop.findings;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.scenario.Setting;
import io.zerodrop.testsupport.HostTool;
import io.zerodrop.workload.ManifestLoader;
import io.zerodrop.workload.PreStop;
import io.zerodrop.workload.Probe;
import io.zerodrop.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every patch a finding writes applies to the user's manifests as they are: a kustomization over the overlay with
 * the patch added renders with kubectl kustomize, and the rendered objects carry the fix and nothing else changes.
 */
class PatchesApplyTest {
    static final Path MANIFESTS = Path.of(System.getProperty("user.dir")).resolveSibling("manifests");

    @BeforeAll
    static void kubectl() {
        HostTool.require("kubectl", "kubectl renders kustomizations");
    }

    /** Renders {@code overlay} with the patch added as a patch (or, for a new object, as a resource). */
    private static List<HasMetadata> apply(String overlay, String patch, boolean resource) throws Exception {
        // kustomize loads bases by relative path: the kustomization lives under target/, two levels below harness/
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("user.dir")).resolve("target"), "fix");
        Files.writeString(dir.resolve("fix.yaml"), patch);
        Files.writeString(dir.resolve("kustomization.yaml"), "resources:\n  - ../../../manifests/overlays/" + overlay
                + "\n" + (resource ? "  - fix.yaml\n" : "patches:\n  - path: fix.yaml\n"));
        return ManifestLoader.render(dir);
    }

    private static Deployment deployment(List<HasMetadata> objects) {
        return objects.stream().filter(o -> o instanceof Deployment).map(o -> (Deployment) o).findFirst().orElseThrow();
    }

    private static Workload naive() {
        return ManifestLoader.load(MANIFESTS.resolve("overlays/naive"));
    }

    @Test
    void aContainerPatchChangesOnlyTheNamedContainersFields() throws Exception {
        String patch = Patches.container(naive(), "endpoint-race", "test", "lifecycle:\n  preStop:\n    sleep:\n"
                + "      seconds: 2\n");
        Deployment before = deployment(ManifestLoader.render(MANIFESTS.resolve("overlays/naive")));
        Deployment after = deployment(apply("naive", patch, false));
        var c = after.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(2L);
        c.setLifecycle(null);
        assertThat(after).as("nothing else changed").isEqualTo(before);
        assertThat(ManifestLoader.fromObjects(apply("naive", patch, false), "patched").preStop()).get()
                .extracting(p -> p.sleepSeconds()).isEqualTo(2L);
    }

    @Test
    void theReadinessAndLivenessPatchesApply() throws Exception {
        Workload w = naive();
        String readiness = Patches.container(w, "replacement-not-ready", "test", "readinessProbe:\n  tcpSocket:\n"
                + "    port: " + w.containerPort() + "\n  periodSeconds: 2\n  failureThreshold: 2\n");
        Workload patched = ManifestLoader.fromObjects(apply("naive", readiness, false), "patched");
        assertThat(patched.readinessProbe()).get().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Probe.TCP);
            assertThat(p.port()).isEqualTo(8080);
            assertThat(p.periodSeconds()).isEqualTo(2);
        });
        Workload hardened = ManifestLoader.load(MANIFESTS.resolve("overlays/hardened"));
        String liveness = Patches.container(hardened, "liveness-restart", "test", "livenessProbe:\n"
                + "  failureThreshold: 6\n  timeoutSeconds: 4\n");
        Workload more = ManifestLoader.fromObjects(apply("hardened", liveness, false), "patched");
        assertThat(more.livenessProbe()).get().satisfies(p -> {
            assertThat(p.failureThreshold()).isEqualTo(6);
            assertThat(p.timeoutSeconds()).isEqualTo(4);
            assertThat(p.httpPath()).as("the handler kept").isEqualTo("/healthz");
        });
    }

    @Test
    void theGraceAndBudgetPatchesApplyAndANewBudgetIsAResource() throws Exception {
        String grace = Patches.podSpec(naive(), "grace-exhausted", "test", "terminationGracePeriodSeconds: 45\n");
        assertThat(deployment(apply("naive", grace, false)).getSpec().getTemplate().getSpec()
                .getTerminationGracePeriodSeconds()).isEqualTo(45L);

        String oneAtATime = Patches.budgetOneAtATime("target-app", "pdb-deadlock", "test");
        PodDisruptionBudget pdb = apply("strict-pdb", oneAtATime, false).stream().filter(o -> o instanceof
                PodDisruptionBudget).map(o -> (PodDisruptionBudget) o).findFirst().orElseThrow();
        assertThat(pdb.getSpec().getMinAvailable()).isNull();
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

        String created = Patches.newBudget(naive(), "pdb-missing", "test");
        List<HasMetadata> withBudget = apply("naive", created, true);
        Workload w = ManifestLoader.fromObjects(withBudget, "patched");
        assertThat(w.budget()).as("the new budget selects the workload's pods").get().satisfies(b -> {
            assertThat(b.maxUnavailable()).isEqualTo("1");
            assertThat(b.name()).isEqualTo("target-app");
        });
    }

    /**
     * {@code tune}'s patch of every setting it searches, applied to the manifests as written, gives the workload the
     * runs had with that setting: the same as the setting applied by the local runtime. On the naive overlay (no
     * readiness probe) the readiness settings' patches bring the probe the runs had.
     */
    @Test
    void tunesPatchOfEverySettingItSearchesGivesTheWorkloadTheRunsHad() throws Exception {
        Workload naive = naive();
        assertThat(naive.readinessProbe()).as("the premise: a container without a readiness probe").isEmpty();
        Map<Setting, String> values = Map.of(Setting.REPLICAS, "4", Setting.TERMINATION_GRACE_PERIOD_SECONDS, "45",
                Setting.PRE_STOP_SLEEP_SECONDS, "7", Setting.READINESS_PERIOD_SECONDS, "2",
                Setting.READINESS_FAILURE_THRESHOLD, "5", Setting.MAX_SURGE, "50%", Setting.MAX_UNAVAILABLE, "0");
        assertThat(values.keySet()).containsExactlyInAnyOrderElementsOf(Setting.tunableKeys().stream()
                .map(k -> Setting.named(k).orElseThrow()).toList());
        for (Setting s : Setting.values()) {
            String patch = TunePatch.of(naive, s, values.getOrDefault(s, "1"), "test");
            if (!s.tunable()) {
                assertThat(patch).as(s.key()).isNull();
                continue;
            }
            Workload patched = ManifestLoader.fromObjects(apply("naive", patch, false), naive.name());
            Workload asRun = new Scenario.Settings(Map.of(s, values.get(s)), Map.of()).applyTo(naive);
            // a preStop sleep is the same wait whether written as the sleep action (the patch, as on a cluster) or
            // as exec sleep (the local runtime's form)
            assertThat(patched.preStop().map(PreStop::seconds)).as(s.key()).isEqualTo(asRun.preStop()
                    .map(PreStop::seconds));
            assertThat(patched).as(s.key() + ":\n" + patch).usingRecursiveComparison().ignoringFields("preStop",
                    "env").isEqualTo(asRun);
            assertThat(patched.env()).isEqualTo(asRun.env());
        }
    }
}
