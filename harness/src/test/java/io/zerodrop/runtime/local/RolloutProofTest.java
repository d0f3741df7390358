package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.disruption.RolloutRestart;
import io.zerodrop.disruption.Scale;
import io.zerodrop.disruption.Step;
import io.zerodrop.engine.Experiment;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rolling restarts under load: the strategy, readiness and shutdown decide whether anything drops. */
@Tag("slow")
class RolloutProofTest {

    @TempDir
    Path dir;


    private Experiment.Outcome run(String overlay, List<Step> steps, int durationSeconds) {
        return run(overlay, steps, durationSeconds, 0);
    }

    private Experiment.Outcome run(String overlay, List<Step> steps, int durationSeconds, int attempt) {
        Workload w = Overlays.load(overlay);
        String suffix = attempt == 0 ? "" : "-" + attempt;
        return Experiment.runOn(LocalRuntime.factory(LocalSettings.defaults(5, dir.resolve(overlay + suffix))), w, new Experiment.Plan(
                overlay, "test", LoadSpec.of("fresh-connections", 100, 3, durationSeconds), steps,
                Expectations.zeroDrops(), dir.resolve("out-" + overlay + suffix), false, Map.of()),
                new PrintWriter(new StringWriter()));
    }

    private static long count(Experiment.Outcome o, EventType type) {
        return o.report().timeline().stream().filter(e -> e.type() == type).count();
    }

    @Test
    void hardenedRolloutRestartReplacesEveryPodWithoutDropsOrLosingCapacity() {
        Experiment.Outcome o = Measured.run((attempt, seconds) -> run("hardened", List.of(new Step("restart", 1_000, 0,
                1, new RolloutRestart())), seconds, attempt), 30);
        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.PASSED);
        assertThat(o.report().analysis().measuredFailed()).isZero();
        assertThat(count(o, EventType.POD_MARKED_FOR_DELETION)).isEqualTo(3);
        assertThat(count(o, EventType.REPLACEMENT_READY)).isEqualTo(3);
        assertThat(o.report().timeline().stream().map(TimelineEvent::detail)).anyMatch(d -> d.startsWith("rollout complete"));
        @SuppressWarnings("unchecked")
        Map<String, Object> runtime = (Map<String, Object>) o.report().header().settings().get("runtime");
        assertThat((Integer) runtime.get("maxUnavailableObserved")).as("maxUnavailable 0, maxSurge 1").isZero();
        Reconcile.exactly(o);
    }

    @Test
    void naiveRolloutRestartDropsAndScalingDownAndBackDropsToo() {
        Experiment.Outcome o = run("naive", List.of(new Step("restart", 1_000, 0, 1, new RolloutRestart()),
                new Step("scale", 14_000, 0, 1, new Scale(-1, 3_000))), 24);
        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.VERDICT_FAILED);
        assertThat(o.report().analysis().measuredFailed()).isPositive();
        assertThat(count(o, EventType.POD_MARKED_FOR_DELETION)).isEqualTo(4); // 3 rolled + 1 scaled down
        assertThat(o.report().analysis().failuresByPod()).isNotEmpty();
        assertThat(o.report().timeline().stream().map(TimelineEvent::detail))
                .contains("scaled from 3 to 2 replicas", "scaled from 2 to 3 replicas");
        // the scale-down drops on its own: the pod it removed died in the endpoint race too
        String scaledDown = o.report().timeline().stream().filter(e -> e.type() == EventType.POD_MARKED_FOR_DELETION
                && e.disruption().equals("scale")).map(TimelineEvent::pod).findFirst().orElseThrow();
        assertThat(o.report().analysis().failuresByPod().getOrDefault(scaledDown, 0L)).as("drops on " + scaledDown)
                .isPositive();
        Reconcile.exactly(o);
    }
}
