package io.zerodrop.disruption;

import io.zerodrop.core.Durations;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.PodInfo;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * {@code kubectl drain}: cordon the node, evict every workload pod on it at once (each retrying 429 every 5 s until
 * the timeout), wait until they are gone (at most until the timeout), then uncordon it — unless it was cordoned
 * before the step: then it is drained and left cordoned. {@code node} is a node name, or {@code busiest} (most pods) or
 * {@code random}.
 */
public final class DrainNode implements Disruption {
    /** {@code action: drain-node}: a node cordoned, its pods evicted, and uncordoned after. */
    public static final DisruptionKind KIND = BasicKind.of("drain-node", List.of("node", "timeout", "retry"),
            o -> new DrainNode(o.node(), o.timeout().toMillis(), o.retry().toMillis(), o.selector().seed()),
            (o, t) -> "GET /api/v1/nodes/<node>, PATCH it (JSON Patch: test metadata.resourceVersion, add"
                    + " spec.unschedulable true; none if it is already cordoned), POST <each pod on it>/eviction, wait"
                    + " until they are gone, PATCH it back (JSON Patch from the cordon's record: spec.unschedulable as"
                    + " it was, the record removed; only a node this run cordoned)",
            List.of(new ApiAccess("create", "", "pods", "eviction", false), new ApiAccess("list", "", "nodes", null,
                    true), new ApiAccess("get", "", "nodes", null, true), new ApiAccess("patch", "", "nodes", null,
                    true))).puttingBack();

    private final String node;
    private final long timeoutMs;
    private final long retryMs;
    private final long seed;

    public DrainNode(String node, long timeoutMs, long retryMs, long seed) {
        this.node = node;
        this.timeoutMs = timeoutMs;
        this.retryMs = retryMs;
        this.seed = seed;
    }

    @Override
    public String describe() {
        return "drain node " + node + " (evictions retried every " + Durations.describe(retryMs)
                + ", timeout " + timeoutMs / 1000 + " s, uncordoned afterwards)";
    }

    @Override
    public void apply(Runtime runtime, Timeline timeline, String stepId) {
        String target = pick(runtime);
        List<String> onNode = runtime.pods().stream().map(PodInfo::name)
                .filter(p -> runtime.nodeOf(p).equals(target)).toList();
        // a node cordoned before this step (an administrator's) is drained but left cordoned: it is not ours
        boolean cordonedHere = runtime.cordon(target, true, stepId);
        long drainStart = timeline.nowMs();
        List<String> evicted = new CopyOnWriteArrayList<>();
        try {
            List<Thread> workers = new ArrayList<>();
            List<String> failures = new CopyOnWriteArrayList<>();
            for (String pod : onNode) {
                Thread t = new Thread(timeline.clock().track(() -> {
                    try {
                        if (Evictions.evictWithRetry(runtime, timeline, pod, stepId, retryMs, timeoutMs, "drain "
                                + target)) {
                            evicted.add(pod);
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.getMessage());
                    }
                }), "drain-" + pod);
                t.start();
                workers.add(t);
            }
            for (Thread t : workers) {
                t.join(timeoutMs + 10_000);
            }
            timeline.add(new TimelineEvent(timeline.nowMs(), EventType.NOTE, "", stepId,
                    "drain of " + target + " finished: " + onNode.size() + " pod(s) on it",
                    Map.of(Attribute.NODE, target)));
            if (!failures.isEmpty()) {
                throw new ZerodropException(ExitCodes.ENVIRONMENT, "drain of " + target + ": "
                        + String.join("; ", failures));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (cordonedHere) {
                // as kubectl drain does: the node is given back once the pods evicted from it are gone, so that no
                // replacement is scheduled onto it while they still terminate there
                awaitGone(runtime, timeline, stepId, target, evicted, drainStart + timeoutMs);
                runtime.cordon(target, false, stepId);
            }
        }
    }

    /** Waits until none of the evicted {@code pods} exists any more, or the deadline; says which were still there. */
    private static void awaitGone(Runtime runtime, Timeline timeline, String stepId, String node, List<String> pods,
            long deadlineMs) {
        // a pod is gone when its object is removed: after its grace period at the most
        List<String> left = pods.stream().filter(runtime::exists).toList();
        while (!left.isEmpty() && timeline.nowMs() < deadlineMs
                && timeline.clock().sleepFor(Math.min(250, deadlineMs - timeline.nowMs()))) {
            left = left.stream().filter(runtime::exists).toList();
        }
        if (!left.isEmpty()) {
            timeline.add(new TimelineEvent(timeline.nowMs(), EventType.NOTE, "", stepId, "drain of " + node
                    + ": " + left + " still terminating when the drain's timeout ran out; the node is uncordoned"
                    + " all the same", Map.of(Attribute.NODE, node)));
        }
    }

    private String pick(Runtime runtime) {
        List<String> nodes = runtime.nodes();
        if (node.equals("busiest") || node.equals("random")) {
            Map<String, Long> load = runtime.pods().stream()
                    .collect(Collectors.groupingBy(p -> runtime.nodeOf(p.name()), Collectors.counting()));
            if (node.equals("random")) {
                List<String> used = new ArrayList<>(load.keySet());
                used.sort(null);
                return used.get((int) Math.floorMod(seed, used.size()));
            }
            return load.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).orElseThrow().getKey();
        }
        if (!nodes.contains(node)) {
            throw ZerodropException.usage("drain: no node named \"" + node + "\" (nodes: " + nodes + ")");
        }
        return node;
    }
}
