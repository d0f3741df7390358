package io.zerodrop.runtime.local;

import io.zerodrop.runtime.PodInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pod objects of the embedded cluster, as the API server holds them: every pod this run created, terminating
 * ones included until teardown. A terminating pod is no longer listed as live; it exists until its process is gone.
 */
final class PodTable {
    private final Map<String, LocalPod> pods = new ConcurrentHashMap<>();

    void add(LocalPod pod) {
        pods.put(pod.name, pod);
    }

    LocalPod get(String name) {
        return pods.get(name);
    }

    Collection<LocalPod> all() {
        return pods.values();
    }

    /** The pods not terminating, oldest first (by creation, then name). */
    List<PodInfo> live() {
        List<PodInfo> out = new ArrayList<>();
        for (LocalPod p : pods.values()) {
            if (!p.isTerminating()) {
                out.add(new PodInfo(p.name, p.node, p.createdMs, p.isReady()));
            }
        }
        out.sort(Comparator.comparingLong(PodInfo::createdMs).thenComparing(PodInfo::name));
        return out;
    }

    /** The pods not terminating, as the ReplicaSet counts them, oldest first. */
    List<LocalPod> running() {
        return pods.values().stream().filter(p -> !p.isTerminating())
                .sorted(Comparator.comparingLong(p -> p.createdMs)).toList();
    }

    /** Pods not terminating whose readiness probe passes. */
    int ready() {
        return (int) pods.values().stream().filter(p -> !p.isTerminating() && p.isReady()).count();
    }

    boolean exists(String name) {
        LocalPod p = pods.get(name);
        return p != null && (!p.isTerminating() || p.isAlive()); // a terminating pod is gone once its process is
    }

    boolean terminatingLeft() {
        return pods.values().stream().anyMatch(p -> p.isTerminating() && p.isAlive());
    }

    /** The pods' ledger files that exist, sorted by path. */
    List<Path> ledgers() {
        List<Path> out = new ArrayList<>();
        for (LocalPod p : pods.values()) {
            Path l = p.dir.resolve("ledger.json");
            if (Files.exists(l)) {
                out.add(l);
            }
        }
        out.sort(null);
        return out;
    }

    /** Each pod's request log that exists, by pod name. */
    Map<String, Path> requestLogs() {
        Map<String, Path> out = new TreeMap<>();
        for (LocalPod p : pods.values()) {
            Path l = p.dir.resolve("requests.log");
            if (Files.exists(l)) {
                out.put(p.name, l);
            }
        }
        return out;
    }
}
