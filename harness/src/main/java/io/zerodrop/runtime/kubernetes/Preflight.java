package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.DisruptionKind;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.scenario.Scenario.Settings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Before anything changes: asks the API server, with one SelfSubjectAccessReview per permission, whether the
 * identity zerodrop runs as may do everything the scenario needs, and lists every missing one in one error (exit
 * 3) rather than failing at the first disruption halfway through a run.
 */
public final class Preflight {
    /** One permission: verb on group/resource[/subresource]; {@code clusterScoped} for nodes. */
    public record Permission(String verb, String group, String resource, String subresource, boolean clusterScoped) {
        @Override
        public String toString() {
            return verb + " " + resource + (subresource == null ? "" : "/" + subresource)
                    + (group.isEmpty() ? "" : "." + group) + (clusterScoped ? " (cluster-wide)" : "");
        }
    }

    private Preflight() {
    }

    /** What observing a workload needs, whatever the disruptions. */
    static List<Permission> observing() {
        return List.of(new Permission("get", "apps", "deployments", null, false),
                new Permission("list", "", "pods", null, false), new Permission("watch", "", "pods", null, false),
                new Permission("list", "", "services", null, false),
                new Permission("list", "discovery.k8s.io", "endpointslices", null, false),
                new Permission("watch", "discovery.k8s.io", "endpointslices", null, false),
                new Permission("list", "", "events", null, false), new Permission("watch", "", "events", null, false),
                new Permission("list", "policy", "poddisruptionbudgets", null, false),
                new Permission("watch", "policy", "poddisruptionbudgets", null, false));
    }

    /** What one disruption action needs (the scenario's action names): what its kind declares. */
    static List<Permission> forAction(String action) {
        return DisruptionKind.named(action).orElseThrow(() -> ZerodropException.usage("unknown disruption action \""
                + action + "\"")).access().stream().map(a -> new Permission(a.verb(), a.group(), a.resource(),
                a.subresource(), a.clusterScoped())).toList();
    }

    /**
     * What scenario {@code s} needs on {@code t}, after {@code first} (what must exist before: the objects
     * {@code --deploy} creates), each permission once: its disruption steps', its settings under test's, its load's.
     */
    static List<Permission> forRun(List<Permission> first, Scenario s, ClusterTarget t) {
        Set<Permission> out = new LinkedHashSet<>(first);
        out.addAll(needed(s.steps().stream().map(Scenario.StepSpec::action).distinct().toList()));
        out.addAll(forSettings(s.settings(), t));
        out.addAll(forLoad(s.load().from().cluster()));
        return List.copyOf(out);
    }

    /** What applying (and reverting) settings under test needs: patch the Deployment; create or patch the budget. */
    public static List<Permission> forSettings(Settings s, ClusterTarget t) {
        List<Permission> out = new ArrayList<>();
        if (s.touchesDeployment()) {
            out.add(new Permission("patch", "apps", "deployments", null, false));
        }
        if (s.touchesBudget()) {
            if (t.budgets().isEmpty()) {
                out.add(new Permission("create", "policy", "poddisruptionbudgets", null, false));
                out.add(new Permission("delete", "policy", "poddisruptionbudgets", null, false));
            } else {
                out.add(new Permission("patch", "policy", "poddisruptionbudgets", null, false));
            }
        }
        return out;
    }

    /**
     * What load from inside the cluster needs: create the load Job and delete it (with its pods), list its pods to
     * wait for them, and reach each generator through the pod proxy. Nothing for load from this host.
     */
    public static List<Permission> forLoad(boolean fromCluster) {
        if (!fromCluster) {
            return List.of();
        }
        return List.of(new Permission("create", "batch", "jobs", null, false),
                new Permission("delete", "batch", "jobs", null, false),
                new Permission("list", "", "pods", null, false),
                new Permission("get", "", "pods", "proxy", false));
    }

    /** The permissions a run with these actions needs, in a stable order, without repeats. */
    public static List<Permission> needed(List<String> actions) {
        Set<Permission> all = new LinkedHashSet<>(observing());
        actions.forEach(a -> all.addAll(forAction(a)));
        return List.copyOf(all);
    }

    /**
     * A run that changes an object (a patch, or a create other than an eviction) records it in the cluster first,
     * under a Lease it holds ({@link RunRecords}): create, patch and delete of Leases in the namespace. A run that
     * only deletes or evicts pods changes nothing that could be put back, and needs none.
     */
    public static List<Permission> withRecords(List<Permission> needed) {
        boolean changes = needed.stream().anyMatch(p -> p.verb().equals("patch") || p.verb().equals("update")
                || (p.verb().equals("create") && !"eviction".equals(p.subresource())));
        if (!changes) {
            return needed;
        }
        Set<Permission> all = new LinkedHashSet<>(needed);
        for (String verb : List.of("create", "patch", "delete")) {
            all.add(new Permission(verb, "coordination.k8s.io", "leases", null, false));
        }
        return List.copyOf(all);
    }

    /** Checks every permission (and the Lease a changing run needs); throws one error listing all that are missing. */
    public static void check(KubernetesClient client, String namespace, List<Permission> needed) {
        needed = withRecords(needed);
        List<String> missing = new ArrayList<>();
        for (Permission p : needed) {
            SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder().withNewSpec()
                    .withNewResourceAttributes().withVerb(p.verb()).withGroup(p.group()).withResource(p.resource())
                    .withSubresource(p.subresource()).withNamespace(p.clusterScoped() ? null : namespace)
                    .endResourceAttributes().endSpec().build();
            try {
                SelfSubjectAccessReview answer = client.authorization().v1().selfSubjectAccessReview().create(review);
                if (answer.getStatus() == null || !Boolean.TRUE.equals(answer.getStatus().getAllowed())) {
                    missing.add(p.toString());
                }
            } catch (KubernetesClientException e) {
                throw ZerodropException.environment("cannot check permissions on the API server (SelfSubjectAccessReview"
                        + " for " + p + "): " + Cluster.reason(e, client) + ". zerodrop's ClusterRole in manifests/rbac grants"
                        + " create selfsubjectaccessreviews.authorization.k8s.io");
            }
        }
        if (!missing.isEmpty()) {
            throw ZerodropException.environment("missing permission(s) in namespace " + namespace + ": "
                    + String.join(", ", missing) + ". Nothing was changed. Grant them with manifests/rbac (kubectl"
                    + " apply -k manifests/rbac, binding the Role in " + namespace + " and the ClusterRole to the"
                    + " identity zerodrop runs as), or run with a context that has them");
        }
    }
}
