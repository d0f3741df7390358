package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zerodrop.ledger.LedgerSnapshot;
import io.zerodrop.ledger.LedgerSource;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The servers' accounts on a cluster: every pod that ended during the run left its counts in its termination
 * message (target-app writes them there; read from containerStatuses before the pod object went, by the pod watch);
 * every pod still running is asked for its {@code /metrics} through the API server's pod proxy at teardown. A pod
 * that said neither (another app, a missing permission) is named in the notes and the ground truth is left out.
 */
final class ServerAccounts {
    private final Cluster cluster;
    private final PodsSeen seen;
    /** Live pods' counts read through the pod proxy at teardown. */
    private final List<LedgerSnapshot> liveCounts = new CopyOnWriteArrayList<>();

    ServerAccounts(Cluster cluster, PodsSeen seen) {
        this.cluster = cluster;
        this.seen = seen;
    }

    /** Reads every live pod's counts through the pod proxy; a pod that cannot be read is noted, not guessed. */
    void readLive(List<Pod> pods) {
        for (Pod p : pods) {
            String k = seen.key(p);
            String n = p.getMetadata().getName();
            if (seen.lastWords.containsKey(k)) {
                continue;
            }
            int port = p.getSpec() == null || p.getSpec().getContainers() == null ? 0 : p.getSpec().getContainers()
                    .stream().flatMap(c -> c.getPorts() == null ? Stream.empty() : c.getPorts().stream())
                    .map(ContainerPort::getContainerPort).findFirst().orElse(0);
            String path = ApiCalls.url(cluster.client(), "/api/v1/namespaces/" + cluster.namespace() + "/pods/" + n
                    + (port > 0 ? ":" + port : "") + "/proxy/metrics");
            try {
                String text = cluster.client().raw(path);
                Optional<LedgerSnapshot> s = text == null ? Optional.empty()
                        : LedgerSnapshot.fromMetrics(k, text, System.currentTimeMillis());
                if (s.isPresent()) {
                    liveCounts.add(s.get());
                } else {
                    seen.truthNotes.add("pod " + n + " has no target-app metrics at " + path);
                }
            } catch (KubernetesClientException e) {
                seen.truthNotes.add("pod " + n + "'s metrics could not be read through the pod proxy ("
                        + Cluster.reason(e, cluster.client()) + "; the Role needs get pods/proxy)");
            }
        }
    }

    /** Every account, ended pods' and live ones'; none (and a note on the timeline) when any pod said nothing. */
    LedgerSource source(Timeline timeline) {
        return last -> {
            List<LedgerSnapshot> all = new ArrayList<>(seen.lastWords.values());
            all.addAll(liveCounts);
            if (!seen.truthNotes.isEmpty()) {
                timeline.add(TimelineEvent.global(System.currentTimeMillis(), EventType.NOTE,
                        "ground truth left out: " + String.join("; ", seen.truthNotes)));
                return List.of();
            }
            return all;
        };
    }
}
