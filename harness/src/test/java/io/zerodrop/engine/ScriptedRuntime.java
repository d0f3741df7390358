package io.zerodrop.engine;

import io.zerodrop.core.ZerodropException;
import io.zerodrop.runtime.Eviction;
import io.zerodrop.runtime.PodInfo;
import io.zerodrop.runtime.Runtime;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A runtime whose pods terminate by a script, on the run's clock: a deleted pod's whole story — marked, preStop,
 * SIGTERM, exit, its endpoint leaving rotation, a replacement started and ready — is written onto the timeline when
 * the deletion is made, each event at its scripted offset. The engine's fast tests run the pipeline on it.
 */
final class ScriptedRuntime implements Runtime {
    /**
     * How a deleted pod ends, in ms after the deletion: its preStop (0: none) runs until {@code sigtermMs}; the
     * container exits {@code exitAfterSigtermMs} after SIGTERM with {@code exitCode}; its endpoint leaves rotation
     * at {@code outOfRotationMs}; the replacement is ready at {@code replacementReadyMs}.
     */
    record Script(long sigtermMs, long exitAfterSigtermMs, int exitCode, long outOfRotationMs,
            long replacementReadyMs) {
        /** target-app naive: exits at once on SIGTERM, while its endpoint is still in rotation. */
        static final Script NAIVE = new Script(0, 20, 143, 300, 1_000);
        /** target-app hardened: a 5 s preStop outlasts the endpoint's removal, then a clean exit. */
        static final Script HARDENED = new Script(5_000, 50, 0, 300, 1_000);
    }

    private final Timeline timeline;
    private final Script script;
    private final List<PodInfo> pods = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    /** When each deletion was made, on the run's clock, in order. */
    final List<Long> deletedAtMs = new ArrayList<>();
    private ZerodropException deletionRefused;
    private int created;

    ScriptedRuntime(Timeline timeline, Script script, int replicas) {
        this.timeline = timeline;
        this.script = script;
        for (int i = 0; i < replicas; i++) {
            pods.add(new PodInfo("web-" + created++, "node-0", timeline.nowMs(), true));
        }
    }

    /** Every deletion from now on is refused with {@code e}. */
    synchronized ScriptedRuntime refusing(ZerodropException e) {
        deletionRefused = e;
        return this;
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("script", script.toString());
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
        calls.add("delete " + pod + " at " + timeline.nowMs());
        if (deletionRefused != null) {
            throw deletionRefused;
        }
        long t = timeline.nowMs();
        deletedAtMs.add(t);
        pods.removeIf(p -> p.name().equals(pod));
        String grace = String.valueOf(graceSeconds != null ? graceSeconds : 30);
        timeline.add(new TimelineEvent(t, EventType.POD_MARKED_FOR_DELETION, pod, cause, "grace " + grace + " s",
                Map.of(Attribute.GRACE_SECONDS, grace)));
        if (script.sigtermMs() > 0) {
            timeline.add(TimelineEvent.of(t, EventType.PRESTOP_STARTED, pod, cause, "sleep"));
            timeline.add(TimelineEvent.of(t + script.sigtermMs(), EventType.PRESTOP_ENDED, pod, cause, "completed"));
        }
        timeline.add(TimelineEvent.of(t + script.sigtermMs(), EventType.SIGTERM_SENT, pod, cause, ""));
        timeline.add(TimelineEvent.of(t + script.outOfRotationMs(), EventType.ENDPOINT_TERMINATING, pod, cause,
                "endpoint ready=false, terminating=true: no new connections"));
        long exit = t + script.sigtermMs() + script.exitAfterSigtermMs();
        timeline.add(new TimelineEvent(exit, EventType.CONTAINER_EXITED, pod, cause, "exit " + script.exitCode(),
                Map.of(Attribute.EXIT_CODE, String.valueOf(script.exitCode()),
                        Attribute.REASON, script.exitCode() == 0 ? "Completed" : "Error")));
        timeline.add(TimelineEvent.of(Math.max(exit, t + script.outOfRotationMs()), EventType.ENDPOINT_REMOVED, pod,
                cause, "pod object deleted"));
        String replacement = "web-" + created++;
        timeline.add(new TimelineEvent(t, EventType.REPLACEMENT_STARTED, replacement, cause, "on node-0",
                Map.of(Attribute.REPLACES, pod)));
        timeline.add(new TimelineEvent(t + script.replacementReadyMs(), EventType.REPLACEMENT_READY, replacement,
                cause, "", Map.of(Attribute.REPLACES, pod)));
        pods.add(new PodInfo(replacement, "node-0", t, true));
    }

    @Override
    public Optional<BudgetStatus> budget() {
        return Optional.empty();
    }

    @Override
    public Eviction evict(String pod, String cause) {
        deletePod(pod, null, cause);
        return Eviction.allowed();
    }

    @Override
    public void rolloutRestart(String cause) {
        throw new UnsupportedOperationException("not scripted");
    }

    @Override
    public void scale(int replicas, String cause) {
        calls.add("scale to " + replicas + " at " + timeline.nowMs());
    }

    @Override
    public List<String> nodes() {
        return List.of("node-0");
    }

    @Override
    public String nodeOf(String pod) {
        return "node-0";
    }

    @Override
    public boolean cordon(String node, boolean unschedulable, String cause) {
        return true;
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
