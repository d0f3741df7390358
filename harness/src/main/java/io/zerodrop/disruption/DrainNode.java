package io.zerodrop.disruption;

import io.zerodrop.core.Durations;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.PodInfo;
import io.zerodrop.runtime.Runtime;
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
 * the timeout), wait, then uncordon it. {@code node} is a node name, or {@code busiest} (most pods) or
 * {@code random}.
 */
public final class DrainNode implements Disruption {
    /** {@code action: drain-node}: a node cordoned, its pods evicted, and uncordoned after. */
    public static final DisruptionKind KIND = BasicKind.of("drain-node", List.of("node", "timeout", "retry"),
            o -> new DrainNode(o.node(), o.timeout().toMillis(), o.retry().toMillis(), o.selector().seed()),
            (o, t) -> "PATCH /api/v1/nodes/<node> {\"spec\":{\"unschedulable\":true}}, POST <each pod on it>/eviction,"
                    + " PATCH back {\"unschedulable\":false}",
            List.of(new ApiAccess("create", "", "pods", "eviction", false), new ApiAccess("list", "", "nodes", null,
                    true), new ApiAccess("patch", "", "nodes", null, true)));

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
        runtime.cordon(target, true, stepId);
        try {
            List<Thread> workers = new ArrayList<>();
            List<String> failures = new CopyOnWriteArrayList<>();
            for (String pod : onNode) {
                Thread t = new Thread(() -> {
                    try {
                        Evictions.evictWithRetry(runtime, timeline, pod, stepId, retryMs, timeoutMs, "drain " + target);
                    } catch (RuntimeException e) {
                        failures.add(e.getMessage());
                    }
                }, "drain-" + pod);
                t.start();
                workers.add(t);
            }
            for (Thread t : workers) {
                t.join(timeoutMs + 10_000);
            }
            timeline.add(new TimelineEvent(System.currentTimeMillis(), EventType.NOTE, "", stepId,
                    "drain of " + target + " finished: " + onNode.size() + " pod(s) on it", Map.of("node", target)));
            if (!failures.isEmpty()) {
                throw new ZerodropException(ExitCodes.ENVIRONMENT, "drain of " + target + ": "
                        + String.join("; ", failures));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            runtime.cordon(target, false, stepId);
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
