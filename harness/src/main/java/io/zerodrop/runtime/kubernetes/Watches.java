package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.Timeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** The run's informers, each with what it watches for the errors: started, awaited until listed, closed together. */
final class Watches implements AutoCloseable {
    private final Cluster cluster;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    /** What each informer watches, for the errors. */
    private final List<String> watched = new ArrayList<>();

    Watches(Cluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Starts an informer ({@code inform} lists before it returns); a first list the server refuses is an environment
     * error naming what was watched and the server's words.
     */
    <T> SharedIndexInformer<T> watch(String what, Supplier<SharedIndexInformer<T>> inform) {
        try {
            SharedIndexInformer<T> i = inform.get();
            informers.add(i);
            watched.add(what);
            return i;
        } catch (KubernetesClientException e) {
            throw ZerodropException.environment("cannot watch " + what + " on " + cluster.server() + ": "
                    + Cluster.reason(e, cluster.client()), e);
        }
    }

    /**
     * Watches the target's pods (their first list is in the store when this returns) and knows every listed pod as
     * there before the run.
     */
    SharedIndexInformer<Pod> watchPods(ClusterTarget target, Timeline timeline, PodsSeen seen) {
        String ns = " in namespace " + cluster.namespace();
        SharedIndexInformer<Pod> pods = watch("the pods of " + target.kind() + " " + target.name() + ns,
                () -> cluster.client().pods().inNamespace(cluster.namespace()).withLabels(target.selector())
                        .inform(new PodWatch(timeline, seen), 0));
        // the first list is in the store when inform returns, but its onAdd notifications are delivered on the
        // informer's own thread, possibly later (seen at load 21: an existing pod's arrived after this point and was
        // taken for a pod created during the run): every listed pod is known before a later add may count as new
        knowListed(pods, seen);
        seen.listed = true;
        return pods;
    }

    /**
     * Watches what is around the target's pods: its Services' EndpointSlices, the namespace's events, the Deployment
     * and its budgets. {@link #awaitListed} waits for them.
     */
    void watchAround(ClusterTarget target, Timeline timeline, PodsSeen seen, EventTranslator slices,
            DeploymentWatch deployment) {
        String ns = " in namespace " + cluster.namespace();
        for (String service : target.services()) {
            watch("the EndpointSlices of Service " + service + ns, () -> cluster.client().discovery().v1()
                    .endpointSlices().inNamespace(cluster.namespace()).withLabel("kubernetes.io/service-name", service)
                    .inform(new SliceWatch(timeline, seen, slices, service), 0));
        }
        watch("the events" + ns, () -> cluster.client().v1().events().inNamespace(cluster.namespace())
                .inform(new EventWatch(timeline, seen), 0));
        if (target.deployment()) {
            watch("Deployment " + target.name() + ns, () -> cluster.client().apps().deployments()
                    .inNamespace(cluster.namespace()).withName(target.name()).inform(deployment, 0));
        }
        for (String b : target.budgets()) {
            watch("PodDisruptionBudget " + b + ns, () -> cluster.client().policy().v1().podDisruptionBudget()
                    .inNamespace(cluster.namespace()).withName(b).inform(new BudgetWatch(timeline), 0));
        }
    }

    /**
     * Every pod in the pod watch's store is known as there before the run (first seen 0), so that its add, however
     * late the informer delivers it, is not taken for a pod created during the run.
     */
    static void knowListed(SharedIndexInformer<Pod> pods, PodsSeen seen) {
        pods.getStore().list().forEach(p -> seen.firstSeen.putIfAbsent(seen.key(p), 0L));
    }

    /** Waits until every watch has listed its objects, by {@code deadline} (the start budget {@code timeout}). */
    void awaitListed(long deadline, Duration timeout) {
        for (int k = 0; k < informers.size(); k++) {
            try {
                informers.get(k).start().toCompletableFuture().get(Math.max(1, deadline - System.currentTimeMillis()),
                        TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw ZerodropException.environment("the watch on " + watched.get(k) + " on " + cluster.server()
                        + " had not listed its objects " + Runtime.budgetSpent(timeout));
            } catch (Exception e) {
                throw ZerodropException.environment("the watch on " + watched.get(k) + " on " + cluster.server()
                        + " could not list its objects: " + (e.getCause() != null ? e.getCause() : e));
            }
        }
    }

    /** Stops every watch: what happens after this is not part of the run. */
    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
        watched.clear();
    }
}
