package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Optional;

/** apps/v1 StatefulSet. */
final class StatefulSetKind implements WorkloadKind {
    @Override
    public String kind() {
        return "StatefulSet";
    }

    @Override
    public Optional<Workload> read(HasMetadata o) {
        if (!(o instanceof StatefulSet st)) {
            return Optional.empty();
        }
        var s = st.getSpec();
        return Optional.of(new Workload(s == null ? null : s.getTemplate(), "spec.template", s == null ? null
                : s.getSelector(), s == null ? null : s.getReplicas(), Workload.Pods.REPLICAS));
    }
}
