package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code apps/v1} kinds, which all hold their pods as {@code spec.template}, {@code spec.selector} and (but for
 * the DaemonSet) {@code spec.replicas}: Deployment, StatefulSet, ReplicaSet written by hand (one a Deployment owns
 * is audited through its Deployment), and DaemonSet — one pod per node, so no count: the probe, shutdown and
 * Service checks apply to it, the replica, budget-count and spread checks do not ({@code kubectl drain
 * --ignore-daemonsets} passes its pods over). Older API versions are read as these ({@link LegacyVersions}).
 */
final class AppsKind<T extends HasMetadata, S> implements WorkloadKind {
    static final AppsKind<Deployment, DeploymentSpec> DEPLOYMENT = new AppsKind<>("Deployment", Deployment.class,
            Deployment::getSpec, DeploymentSpec::getTemplate, DeploymentSpec::getSelector,
            DeploymentSpec::getReplicas, Workload.Pods.REPLICAS);
    static final AppsKind<StatefulSet, StatefulSetSpec> STATEFUL_SET = new AppsKind<>("StatefulSet",
            StatefulSet.class, StatefulSet::getSpec, StatefulSetSpec::getTemplate, StatefulSetSpec::getSelector,
            StatefulSetSpec::getReplicas, Workload.Pods.REPLICAS);
    static final AppsKind<ReplicaSet, ReplicaSetSpec> REPLICA_SET = new AppsKind<>("ReplicaSet", ReplicaSet.class,
            ReplicaSet::getSpec, ReplicaSetSpec::getTemplate, ReplicaSetSpec::getSelector,
            ReplicaSetSpec::getReplicas, Workload.Pods.REPLICAS);
    static final AppsKind<DaemonSet, DaemonSetSpec> DAEMON_SET = new AppsKind<>("DaemonSet", DaemonSet.class,
            DaemonSet::getSpec, DaemonSetSpec::getTemplate, DaemonSetSpec::getSelector, s -> null,
            Workload.Pods.PER_NODE);

    private final String kind;
    private final Class<T> type;
    private final Function<T, S> spec;
    private final Function<S, PodTemplateSpec> template;
    private final Function<S, LabelSelector> selector;
    private final Function<S, Integer> replicas;
    private final Workload.Pods pods;

    private AppsKind(String kind, Class<T> type, Function<T, S> spec, Function<S, PodTemplateSpec> template,
            Function<S, LabelSelector> selector, Function<S, Integer> replicas, Workload.Pods pods) {
        this.kind = kind;
        this.type = type;
        this.spec = spec;
        this.template = template;
        this.selector = selector;
        this.replicas = replicas;
        this.pods = pods;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public Optional<Workload> read(HasMetadata o) {
        if (!type.isInstance(o)) {
            return Optional.empty();
        }
        S s = spec.apply(type.cast(o));
        return Optional.of(new Workload(s == null ? null : template.apply(s), "spec.template", s == null ? null
                : selector.apply(s), s == null ? null : replicas.apply(s), pods));
    }
}
