package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Objects of API versions that are no longer served, read as their current version so that every check sees
 * them: Deployments, StatefulSets, DaemonSets and ReplicaSets of {@code apps/v1beta1}, {@code apps/v1beta2} and
 * {@code extensions/v1beta1} as {@code apps/v1} (the fields the checks read are the same), and
 * {@code policy/v1beta1} budgets as {@code policy/v1} — with the one difference that changes what a budget
 * protects: in v1beta1 an empty selector ({@code {}}) selects no pod, in v1 every pod of the namespace, so an
 * empty v1beta1 selector is read as none.
 */
final class LegacyVersions {
    private static final Set<String> APPS_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet");
    private static final Set<String> OLD_APPS = Set.of("apps/v1beta1", "apps/v1beta2", "extensions/v1beta1");

    private LegacyVersions() {
    }

    /** The API version {@code o} is read as, when it is an old one this class converts; else null. */
    static String currentVersion(HasMetadata o) {
        if (APPS_KINDS.contains(o.getKind()) && OLD_APPS.contains(o.getApiVersion())) {
            return "apps/v1";
        }
        if ("PodDisruptionBudget".equals(o.getKind()) && "policy/v1beta1".equals(o.getApiVersion())) {
            return "policy/v1";
        }
        return null;
    }

    /** {@code o} as its current version (see the class comment); {@code o} itself when it is current. */
    static HasMetadata current(HasMetadata o) {
        String to = currentVersion(o);
        if (to == null) {
            return o;
        }
        Map<String, Object> map = new LinkedHashMap<>(ObjectJson.SERIALIZATION.convertValue(o, Map.class));
        map.put("apiVersion", to);
        HasMetadata converted = ObjectJson.SERIALIZATION.unmarshal(ObjectJson.SERIALIZATION.asJson(map));
        if (converted instanceof PodDisruptionBudget b && b.getSpec() != null && empty(b.getSpec().getSelector())) {
            b.getSpec().setSelector(null); // v1beta1: {} selects no pod
        }
        return converted;
    }

    private static boolean empty(LabelSelector s) {
        return s != null && (s.getMatchLabels() == null || s.getMatchLabels().isEmpty())
                && (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty());
    }

    /** What the report says of an object read as another version. */
    static String note(String readAs, String kind) {
        return readAs + " " + kind + " is no longer served (removed in Kubernetes 1.16 for apps and extensions,"
                + " 1.25 for policy): audited as " + ("PodDisruptionBudget".equals(kind) ? "policy/v1"
                + ", where an empty selector selects every pod — in v1beta1 it"
                + " selected none, and that is how it was read" : "apps/v1") + "; apply it as the current version";
    }
}
