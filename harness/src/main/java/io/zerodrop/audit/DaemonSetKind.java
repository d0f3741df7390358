package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.Optional;

/**
 * apps/v1 DaemonSet: one pod per node, so no count — the probe, shutdown and Service checks apply, the replica,
 * budget-count and spread checks do not ({@code kubectl drain --ignore-daemonsets} passes its pods over).
 */
final class DaemonSetKind implements WorkloadKind {
    @Override
    public String kind() {
        return "DaemonSet";
    }

    @Override
    public Optional<Workload> read(HasMetadata o) {
        if (!(o instanceof DaemonSet ds)) {
            return Optional.empty();
        }
        var s = ds.getSpec();
        return Optional.of(new Workload(s == null ? null : s.getTemplate(), "spec.template", s == null ? null
                : s.getSelector(), null, Workload.Pods.PER_NODE));
    }
}
