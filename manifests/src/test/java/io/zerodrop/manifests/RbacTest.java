package io.zerodrop.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RbacTest {

    /** Every right zerodrop needs, as group/resource:verb; nothing more may be granted. */
    private static final Set<String> NAMESPACED = Set.of(
            "/pods:get", "/pods:list", "/pods:watch", "/pods:delete",
            "/pods/eviction:create", "/pods/proxy:get",
            "apps/deployments:get", "apps/deployments:list", "apps/deployments:watch", "apps/deployments:patch",
            "apps/statefulsets:get", "apps/statefulsets:list", "apps/statefulsets:watch", "apps/statefulsets:patch",
            "apps/replicasets:get", "apps/replicasets:list", "/services:get", "/services:list",
            "apps/daemonsets:get", "apps/daemonsets:list", "autoscaling/horizontalpodautoscalers:list",
            "discovery.k8s.io/endpointslices:list", "discovery.k8s.io/endpointslices:watch",
            "/events:list", "/events:watch", "events.k8s.io/events:list", "events.k8s.io/events:watch",
            "policy/poddisruptionbudgets:get", "policy/poddisruptionbudgets:list",
            "policy/poddisruptionbudgets:watch", "policy/poddisruptionbudgets:create",
            "policy/poddisruptionbudgets:patch", "policy/poddisruptionbudgets:delete",
            "batch/jobs:create", "batch/jobs:list", "batch/jobs:delete",
            "coordination.k8s.io/leases:list", "coordination.k8s.io/leases:create",
            "coordination.k8s.io/leases:patch", "coordination.k8s.io/leases:delete");
    /** --deploy: the namespaced rights cluster-wide, the run's namespace, and creating the manifests' objects. */
    private static final Set<String> DEPLOY_EXTRA = Set.of("/namespaces:create", "/namespaces:list",
            "/namespaces:delete",
            "/serviceaccounts:create", "/services:create", "/configmaps:create", "apps/deployments:create",
            "apps/statefulsets:create");
    private static final Set<String> CLUSTER = Set.of(
            "/nodes:get", "/nodes:list", "/nodes:patch", "/namespaces:get",
            "authorization.k8s.io/selfsubjectaccessreviews:create");

    @Test
    void rolesGrantExactlyWhatZerodropNeeds() throws Exception {
        Rendered r = Rendered.of("rbac");
        assertThat(grants(r.one(Role.class).getRules())).isEqualTo(new TreeSet<>(NAMESPACED));
        assertThat(grants(r.one(ClusterRole.class).getRules())).isEqualTo(new TreeSet<>(CLUSTER));
    }

    @Test
    void theDeployRoleGrantsTheNamespacedRightsClusterWideAndTheRunsNamespace() throws Exception {
        Rendered r = Rendered.of("rbac-deploy");
        TreeSet<String> expected = new TreeSet<>(NAMESPACED);
        expected.addAll(DEPLOY_EXTRA);
        assertThat(grants(r.one(ClusterRole.class).getRules())).isEqualTo(expected);
        assertThat(r.one(ClusterRoleBinding.class).getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("zerodrop"));
    }

    @Test
    void bindingsNameTheServiceAccountInItsNamespace() throws Exception {
        Rendered r = Rendered.of("rbac");
        String ns = r.one(io.fabric8.kubernetes.api.model.ServiceAccount.class).getMetadata().getNamespace();
        RoleBinding rb = r.one(RoleBinding.class);
        ClusterRoleBinding crb = r.one(ClusterRoleBinding.class);
        assertThat(rb.getRoleRef().getName()).isEqualTo(r.one(Role.class).getMetadata().getName());
        assertThat(crb.getRoleRef().getName()).isEqualTo(r.one(ClusterRole.class).getMetadata().getName());
        assertThat(rb.getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("zerodrop"))
                .satisfies(s -> assertThat(s.getNamespace()).isEqualTo(ns));
        assertThat(crb.getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getNamespace()).isEqualTo(ns));
    }

    private static TreeSet<String> grants(List<PolicyRule> rules) {
        TreeSet<String> out = new TreeSet<>();
        for (PolicyRule rule : rules) {
            assertThat(rule.getVerbs()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*");
            for (String g : rule.getApiGroups()) {
                for (String res : rule.getResources()) {
                    for (String v : rule.getVerbs()) {
                        out.add(g + "/" + res + ":" + v);
                    }
                }
            }
        }
        return out;
    }
}
