package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.PodInfo;
import io.zerodrop.runtime.Runtime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/** What the runtime reads of the target workload's state from the API: its readiness, why pods wait, its Services. */
final class TargetReads {
    private TargetReads() {
    }

    /** Whether every replica the workload wants is ready. */
    static boolean ready(Cluster cluster, ClusterTarget t) {
        return readyReplicas(cluster, t) >= t.replicas();
    }

    /** The workload's ready replicas as its controller reports them (Deployment or StatefulSet status). */
    static int readyReplicas(Cluster cluster, ClusterTarget t) {
        String what = t.kind() + " " + t.name();
        Integer ready;
        if (t.statefulSet()) {
            StatefulSet s = Reads.read("reading " + what, () -> cluster.client().apps().statefulSets()
                    .inNamespace(cluster.namespace()).withName(t.name()).get());
            if (s == null) {
                throw gone(cluster, what);
            }
            ready = s.getStatus() == null ? null : s.getStatus().getReadyReplicas();
        } else {
            Deployment d = Reads.read("reading " + what, () -> cluster.client().apps().deployments()
                    .inNamespace(cluster.namespace()).withName(t.name()).get());
            if (d == null) {
                throw gone(cluster, what);
            }
            ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
        }
        return ready == null ? 0 : ready;
    }

    /** Which pods are not Ready and why, as the scheduler and the kubelet say it; empty if the pods cannot be read. */
    static String waiting(Cluster cluster, ClusterTarget t) {
        try {
            return PendingPods.describe(cluster.client().pods().inNamespace(cluster.namespace())
                    .withLabels(t.selector()).list().getItems());
        } catch (KubernetesClientException e) {
            return "; the pods could not be read: " + Cluster.reason(e, cluster.client());
        }
    }

    /**
     * What keeps traffic flowing to a pod after its endpoint is marked terminating, so that "out of rotation" as the
     * EndpointSlice says it is not when traffic stops: a Service that publishes not-ready addresses (its endpoints
     * stay routable), and a single replica (kube-proxy, since 1.28, routes to terminating-but-serving endpoints when
     * a Service has no other).
     */
    static List<String> routingCaveats(Cluster cluster, ClusterTarget t) {
        List<String> out = new ArrayList<>();
        for (String name : t.services()) {
            Service svc = Reads.read("reading Service " + name, () -> cluster.client().services()
                    .inNamespace(cluster.namespace()).withName(name).get());
            if (svc != null && svc.getSpec() != null
                    && Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses())) {
                out.add("Service " + name + " publishes not-ready addresses: its endpoints stay routable while their"
                        + " pods terminate, so traffic does not stop when the EndpointSlice marks a pod terminating");
            }
        }
        if (t.replicas() == 1) {
            out.add("one replica: while its only endpoint is terminating but still serving, kube-proxy (1.28+) keeps"
                    + " routing to it, so traffic reaches the pod until it stops serving, not until it is marked"
                    + " terminating");
        }
        return out;
    }

    private static ZerodropException gone(Cluster cluster, String what) {
        return ZerodropException.environment(what + " disappeared from namespace " + cluster.namespace());
    }

    /** The live pods (not marked for deletion) of an informer's store, oldest first. */
    static List<PodInfo> live(List<Pod> store) {
        return store.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .map(p -> new PodInfo(p.getMetadata().getName(), p.getSpec() == null ? "" : String.valueOf(
                        p.getSpec().getNodeName()), created(p), readyCondition(p)))
                .sorted(Comparator.comparingLong(PodInfo::createdMs).thenComparing(PodInfo::name)).toList();
    }

    private static long created(Pod p) {
        String ts = p.getMetadata().getCreationTimestamp();
        return ts == null ? 0 : Instant.parse(ts).toEpochMilli();
    }

    private static boolean readyCondition(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * Waits until no pod of {@code pods} is terminating and the workload is ready again; false when the time ran out,
     * the API could not be read, or the wait was interrupted.
     */
    static boolean awaitSettled(Cluster cluster, ClusterTarget target, Supplier<List<Pod>> pods, Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            try {
                boolean terminating = pods.get().stream()
                        .anyMatch(p -> p.getMetadata().getDeletionTimestamp() != null);
                if (!terminating && TargetReads.ready(cluster, target)) {
                    return true;
                }
            } catch (KubernetesClientException e) {
                return false;
            }
            if (!Sleep.forMs(500)) {
                return false;
            }
        }
        return false;
    }

    /**
     * Waits until the workload is fully ready, by {@code deadline} (the start budget {@code timeout}); zerodrop
     * {@code what} (attaches, starts the run) only on a settled workload, so that what it measures is its own doing.
     */
    static void awaitReady(Cluster cluster, ClusterTarget target, long deadline, Duration timeout, String what) {
        while (!ready(cluster, target)) {
            if (System.currentTimeMillis() > deadline) {
                throw ZerodropException.environment(target.kind() + " " + target.name() + " in namespace "
                        + cluster.namespace() + " is not fully ready " + Runtime.budgetSpent(timeout) + ": "
                        + readyReplicas(cluster, target) + " of " + target.replicas() + " replicas ready"
                        + waiting(cluster, target) + ". zerodrop "
                        + what + " only on a settled workload, so that"
                        + " what it measures is caused by its own disruptions");
            }
            Sleep.forMs(500);
        }
    }
}
