package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Optional;

/** apps/v1 Deployment (older versions are read as it: {@link LegacyVersions}). */
final class DeploymentKind implements WorkloadKind {
    @Override
    public String kind() {
        return "Deployment";
    }

    @Override
    public Optional<Workload> read(HasMetadata o) {
        if (!(o instanceof Deployment d)) {
            return Optional.empty();
        }
        var s = d.getSpec();
        return Optional.of(new Workload(s == null ? null : s.getTemplate(), "spec.template", s == null ? null
                : s.getSelector(), s == null ? null : s.getReplicas(), Workload.Pods.REPLICAS));
    }
}
