package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.Map;
import java.util.Optional;

/**
 * Argo Rollouts' {@code argoproj.io Rollout}: a Deployment-like pod template, selector and replicas (1 when omitted);
 * its canary or blue-green steps are not Deployment strategies, so the rolling-update checks pass it over. A Rollout
 * that takes its template from a Deployment ({@code spec.workloadRef}) is not read here: that Deployment is.
 */
final class ArgoRolloutKind implements WorkloadKind {

    @Override
    public String kind() {
        return "Rollout";
    }

    static boolean isRollout(HasMetadata o) {
        return o instanceof GenericKubernetesResource && "Rollout".equals(o.getKind()) && o.getApiVersion() != null
                && o.getApiVersion().startsWith("argoproj.io/");
    }

    /** Whether the Rollout names a Deployment for its pod template instead of holding one. */
    static boolean referencesWorkload(HasMetadata o) {
        return isRollout(o) && spec(o).get("workloadRef") != null && spec(o).get("template") == null;
    }

    @Override
    public Optional<Workload> read(HasMetadata o) {
        if (!isRollout(o) || referencesWorkload(o)) {
            return Optional.empty();
        }
        Map<?, ?> spec = spec(o);
        PodTemplateSpec template;
        LabelSelector selector;
        try {
            template = spec.get("template") == null ? null : ObjectJson.SERIALIZATION.convertValue(spec.get("template"),
                    PodTemplateSpec.class);
            selector = spec.get("selector") == null ? null : ObjectJson.SERIALIZATION.convertValue(spec.get("selector"),
                    LabelSelector.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec.template or spec.selector is not what a Rollout holds: "
                    + e.getMessage(), e);
        }
        Object replicas = spec.get("replicas");
        return Optional.of(new Workload(template, "spec.template", selector, replicas instanceof Number n
                ? n.intValue() : null, Workload.Pods.REPLICAS));
    }

    private static Map<?, ?> spec(HasMetadata o) {
        Object spec = ((GenericKubernetesResource) o).getAdditionalProperties().get("spec");
        return spec instanceof Map<?, ?> m ? m : Map.of();
    }
}
