package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ReplicationController;
import java.util.Optional;

/** v1 ReplicationController: a ReplicaSet with a plain label map as its selector. */
final class ReplicationControllerKind implements WorkloadKind {
    @Override
    public String kind() {
        return "ReplicationController";
    }

    @Override
    public Optional<Workload> read(HasMetadata o) {
        if (!(o instanceof ReplicationController rc)) {
            return Optional.empty();
        }
        var s = rc.getSpec();
        LabelSelector selector = s == null || s.getSelector() == null ? null
                : new LabelSelector(null, s.getSelector());
        return Optional.of(new Workload(s == null ? null : s.getTemplate(), "spec.template", selector, s == null
                ? null : s.getReplicas(), Workload.Pods.REPLICAS));
    }
}
