package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Optional;

/**
 * One kind of object that runs pods and that the audit reads: how to find its pod template, selector and count.
 * Each kind is a class beside its siblings; {@link WorkloadKinds} lists them.
 */
interface WorkloadKind {
    /** The kind as the API names it ("Deployment"). */
    String kind();

    /** The object's workload view, or empty when {@code o} is not of this kind. */
    Optional<Workload> read(HasMetadata o);
}
