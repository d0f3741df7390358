package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.Optional;

/** apps/v1 ReplicaSet written by hand (one a Deployment owns is audited through its Deployment). */
final class ReplicaSetKind implements WorkloadKind {
    @Override
    public String kind() {
        return "ReplicaSet";
    }

    @Override
    public Optional<Workload> read(HasMetadata o) {
        if (!(o instanceof ReplicaSet rs)) {
            return Optional.empty();
        }
        var s = rs.getSpec();
        return Optional.of(new Workload(s == null ? null : s.getTemplate(), "spec.template", s == null ? null
                : s.getSelector(), s == null ? null : s.getReplicas(), Workload.Pods.REPLICAS));
    }
}
