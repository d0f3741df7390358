package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Runtime;
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
