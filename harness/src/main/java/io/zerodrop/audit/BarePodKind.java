package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.Optional;

/**
 * v1 Pod: its own template (metadata and spec), one pod, and nothing that recreates it. A pod a controller owns
 * (read from a cluster) is audited through its controller, not here.
 */
final class BarePodKind implements WorkloadKind {
    @Override
    public String kind() {
        return "Pod";
    }

    @Override
    public Optional<Workload> read(HasMetadata o) {
        if (!(o instanceof Pod p)) {
            return Optional.empty();
        }
        PodTemplateSpec self = p.getSpec() == null ? null : new PodTemplateSpec(p.getMetadata(), p.getSpec());
        return Optional.of(new Workload(self, "", new LabelSelector(null, p.getMetadata() == null ? null
                : p.getMetadata().getLabels()), 1, Workload.Pods.BARE));
    }
}
