package io.zerodrop.disruption;

import io.zerodrop.runtime.Eviction;
import io.zerodrop.runtime.PodInfo;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A runtime that only records the calls made to it and answers evictions from a script: the disruptions' own
 * logic (selection, retries, what is counted as a refusal) tested without processes or a cluster.
 */
public class FakeRuntime implements Runtime {
    public final List<String> calls = new ArrayList<>();
    final List<PodInfo> pods = new ArrayList<>();
    final Deque<Eviction> evictionAnswers = new ArrayDeque<>();
    int replicas;
    /** Nodes an administrator cordoned before the run. */
    final Set<String> cordonedBefore = new HashSet<>();
    /** Pods that, once deleted or evicted, still terminate for so many {@link #exists} checks. */
    final Map<String, Integer> terminatingFor = new HashMap<>();

    public FakeRuntime(String... podNames) {
        long t = 1_800_000_000_000L;
        for (String p : podNames) {
            pods.add(new PodInfo(p, "node-" + (pods.size() % 2), t++, true));
        }
        replicas = podNames.length;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of();
    }

    @Override
    public void start(Workload workload, Duration timeout) {
        calls.add("start");
    }

    @Override
    public String serviceUrl() {
        return "http://127.0.0.1:9";
    }

    @Override
    public synchronized List<PodInfo> pods() {
        return List.copyOf(pods);
    }

    @Override
    public synchronized void deletePod(String pod, Long graceSeconds, String cause) {
        calls.add("delete " + pod + " grace=" + graceSeconds + " by " + cause);
        pods.removeIf(p -> p.name().equals(pod));
    }

    @Override
    public Optional<BudgetStatus> budget() {
        return Optional.empty();
    }

    @Override
    public synchronized Eviction evict(String pod, String cause) {
        calls.add("evict " + pod + " by " + cause);
        Eviction e = evictionAnswers.isEmpty() ? Eviction.allowed() : evictionAnswers.poll();
        if (e.ok()) {
            pods.removeIf(p -> p.name().equals(pod));
        }
        return e;
    }

    @Override
    public void rolloutRestart(String cause) {
        calls.add("rollout-restart by " + cause);
    }

    @Override
    public synchronized void scale(int to, String cause) {
        calls.add("scale " + replicas + "->" + to + " by " + cause);
        replicas = to;
    }

    @Override
    public List<String> nodes() {
        return List.of("node-0", "node-1");
    }

    @Override
    public synchronized String nodeOf(String pod) {
        return pods.stream().filter(p -> p.name().equals(pod)).map(PodInfo::node).findFirst().orElse("");
    }

    @Override
    public synchronized boolean cordon(String node, boolean unschedulable, String cause) {
        if (unschedulable && cordonedBefore.contains(node)) {
            calls.add("cordon " + node + " by " + cause + ": already cordoned");
            return false;
        }
        calls.add((unschedulable ? "cordon " : "uncordon ") + node + " by " + cause);
        return true;
    }

    /** A pod removed from {@link #pods()} still exists for this many more {@link #exists} checks (terminating). */
    @Override
    public synchronized boolean exists(String pod) {
        if (pods.stream().anyMatch(p -> p.name().equals(pod))) {
            return true;
        }
        int left = terminatingFor.getOrDefault(pod, 0);
        if (left > 0) {
            terminatingFor.put(pod, left - 1);
            return true;
        }
        calls.add("gone " + pod);
        return false;
    }

    @Override
    public boolean awaitSettled(Duration timeout) {
        return true;
    }

    @Override
    public List<Path> ledgers() {
        return List.of();
    }

    @Override
    public void close() {
        calls.add("close");
    }
}
