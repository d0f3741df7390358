package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.zerodrop.scenario.Scenario.Settings;
import io.zerodrop.scenario.Setting;
import io.zerodrop.testsupport.HostTool;
import io.zerodrop.workload.ManifestLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the preflight asks for is exactly what manifests/rbac grants: every permission any disruption or any
 * setting under test needs is in the Role (namespaced) or the ClusterRole (cluster-wide), so a user who applied
 * them never meets a missing permission halfway through a run.
 */
class RbacCoversPreflightTest {
    private static final Path RBAC = Path.of(System.getProperty("user.dir")).resolveSibling("manifests/rbac");
    private static final Path RBAC_DEPLOY = RBAC.resolveSibling("rbac-deploy");

    private static boolean grants(List<PolicyRule> rules, Preflight.Permission p) {
        String resource = p.resource() + (p.subresource() == null ? "" : "/" + p.subresource());
        return rules.stream().anyMatch(r -> r.getApiGroups().contains(p.group()) && r.getResources().contains(resource)
                && r.getVerbs().contains(p.verb()));
    }

    @Test
    void everyPermissionThePreflightChecksIsGranted() throws Exception {
        Role role = Serialization.unmarshal(Files.readString(RBAC.resolve("role.yaml")), Role.class);
        ClusterRole clusterRole = Serialization.unmarshal(Files.readString(RBAC.resolve("clusterrole.yaml")),
                ClusterRole.class);
        ClusterTarget noBudget = new ClusterTarget("Deployment", "web", "shop", Map.of("app", "web"),
                Map.of("app", "web"), 3, List.of("web"), List.of());
        ClusterTarget withBudget = new ClusterTarget("Deployment", "web", "shop", Map.of("app", "web"),
                Map.of("app", "web"), 3, List.of("web"), List.of("web"));
        Settings all = new Settings(Map.of(Setting.REPLICAS, "4", Setting.TERMINATION_GRACE_PERIOD_SECONDS, "45",
                Setting.PRE_STOP_SLEEP_SECONDS, "5", Setting.READINESS_PERIOD_SECONDS, "2",
                Setting.READINESS_FAILURE_THRESHOLD, "3", Setting.READINESS_INITIAL_DELAY_SECONDS, "1",
                Setting.MAX_SURGE, "1", Setting.MAX_UNAVAILABLE, "0", Setting.PDB_MIN_AVAILABLE, "2"),
                Map.of("A", "b"));
        List<Preflight.Permission> needed = new ArrayList<>(Preflight.needed(List.of("delete", "kill", "evict",
                "drain-node", "rollout-restart", "scale")));
        needed.addAll(Preflight.forSettings(all, noBudget));
        needed.addAll(Preflight.forSettings(all, withBudget));
        needed.addAll(Preflight.forLoad(true));
        assertThat(needed).hasSizeGreaterThan(15);
        for (Preflight.Permission p : needed) {
            assertThat(grants(p.clusterScoped() ? clusterRole.getRules() : role.getRules(), p))
                    .as("manifests/rbac grants " + p).isTrue();
        }
    }

    /** --deploy of every overlay: granted by rbac-deploy's ClusterRole (all namespaced rights, cluster-wide) and rbac's. */
    @Test
    void everyPermissionADeployOfTheOverlaysNeedsIsGranted() throws Exception {
        HostTool.require("kubectl", "kubectl renders the overlays");
        ClusterRole deploy = Serialization.unmarshal(Files.readString(RBAC_DEPLOY.resolve("clusterrole.yaml")),
                ClusterRole.class);
        ClusterRole base = Serialization.unmarshal(Files.readString(RBAC.resolve("clusterrole.yaml")), ClusterRole.class);
        List<PolicyRule> all = new ArrayList<>(deploy.getRules());
        all.addAll(base.getRules());
        for (String overlay : List.of("naive", "hardened", "strict-pdb", "shell-entrypoint")) {
            var objects = ManifestLoader.render(RBAC.resolveSibling("overlays/" + overlay));
            List<Preflight.Permission> needed = new ArrayList<>(new Deployer(objects, "zerodrop-x", "x",
                    overlay).permissions());
            needed.addAll(Preflight.needed(List.of("delete", "evict", "rollout-restart", "scale", "drain-node")));
            needed.addAll(Preflight.forLoad(true));
            for (Preflight.Permission p : needed) {
                assertThat(grants(all, p)).as("--deploy of " + overlay + " is granted " + p).isTrue();
            }
        }
    }
}
