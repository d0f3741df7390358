package io.zerodrop.disruption;

import io.zerodrop.core.Durations;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.Timeline;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Evicts pods through the Eviction API, retrying refusals (429) every 5 s until the timeout, like kubectl. */
public final class EvictPods implements Disruption {
    /** {@code action: evict}: the pods evicted, each retried every {@code retry} until {@code timeout}. */
    public static final DisruptionKind KIND = BasicKind.of("evict", List.of("timeout", "retry"),
            o -> new EvictPods(o.selector(), o.timeout().toMillis(), o.retry().toMillis()),
            (o, t) -> "POST " + t.pods() + "<" + o.selector().describe() + ">/eviction (policy/v1 Eviction),"
                    + " retried on 429 DisruptionBudget",
            List.of(new ApiAccess("create", "", "pods", "eviction", false)));

    private final PodSelector selector;
    private final long timeoutMs;
    private final long retryMs;
    private final AtomicInteger occurrence = new AtomicInteger();

    public EvictPods(PodSelector selector, long timeoutMs, long retryMs) {
        this.selector = selector;
        this.timeoutMs = timeoutMs;
        this.retryMs = retryMs;
    }

    public EvictPods(PodSelector selector, long timeoutMs) {
        this(selector, timeoutMs, Evictions.KUBECTL_RETRY_MS);
    }

    @Override
    public String describe() {
        return "evict " + selector.describe() + " (retry every " + Durations.describe(retryMs)
                + ", timeout " + timeoutMs / 1000 + " s)";
    }

    @Override
    public void apply(Runtime runtime, Timeline timeline, String stepId) {
        List<String> targets = selector.select(runtime.pods(), occurrence.getAndIncrement());
        for (String pod : targets) {
            Evictions.evictWithRetry(runtime, timeline, pod, stepId, retryMs, timeoutMs, describe());
        }
    }
}
