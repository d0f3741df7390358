package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.disruption.DeletePods;
import io.zerodrop.disruption.PodSelector;
import io.zerodrop.disruption.Scale;
import io.zerodrop.disruption.Step;
import io.zerodrop.engine.Experiment;
import io.zerodrop.report.JournalEntry.Status;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.verdict.Verdict;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdict only credits disruptions that happened where the load measured them. Before, the schedule waited for
 * the warm-up end as seen in Gatling's log, which arrives in 8 KB chunks: at 20 req/s a deletion due at +2 s came
 * seconds late or never, and the run passed.
 */
@Tag("slow")
class ScheduleProofTest {
    @TempDir
    Path dir;

    private Experiment.Outcome run(String overlay, LoadSpec load, List<Step> steps) {
        Workload w = Overlays.load(overlay);
        Experiment.Plan plan = new Experiment.Plan(overlay, "test", load, steps, Expectations.zeroDrops(),
                dir.resolve("out"), false, Map.of("overlay", overlay));
        return Experiment.runOn(LocalRuntime.factory(LocalSettings.defaults(11, dir.resolve("local")).withServiceMode("userspace")), w,
                plan, new PrintWriter(new StringWriter()));
    }

    private static long at(Experiment.Outcome o, EventType type, String pod) {
        return o.report().timeline().stream().filter(e -> e.type() == type && (pod == null || e.pod().equals(pod)))
                .mapToLong(TimelineEvent::atMs).min().orElseThrow();
    }

    @Test
    void atALowRateTheDeletionIsIssuedOnTheOneClockAndItsDropsAreCounted() {
        Experiment.Outcome o = run("naive", LoadSpec.of("fresh-connections", 20, 2, 8),
                List.of(new Step("delete-1", 2_000, 0, 1, new DeletePods(PodSelector.random(1, 3), null))));
        var a = o.report().analysis();
        String pod = o.report().timeline().stream().filter(e -> e.type() == EventType.POD_MARKED_FOR_DELETION)
                .map(TimelineEvent::pod).findFirst().orElseThrow();
        // issued after the warm-up it counts from, and the pod it deleted exited while the load was measured
        long issued = at(o, EventType.DISRUPTION_ISSUED, null);
        assertThat(issued).isGreaterThanOrEqualTo(a.warmupEndMs() + 2_000);
        assertThat(at(o, EventType.CONTAINER_EXITED, pod)).isLessThan(a.lastRequestMs());
        assertThat(o.report().steps()).anySatisfy(s -> {
            assertThat(s.name()).startsWith("disruption delete-1");
            assertThat(s.status()).isEqualTo(Status.OK);
        });
        assertThat(o.report().verdict().reasons()).noneMatch(r -> r.startsWith("disruption not measured"));
        assertThat(o.report().verdict().status()).isEqualTo(Verdict.Status.FAILED);
        assertThat(a.measuredFailed()).isPositive();
        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.VERDICT_FAILED);
    }

    @Test
    void aDisruptionThatFoundNoPodAndOneWhoseShutdownOutlivedTheLoadMakeTheRunInconclusive() throws Exception {
        // hardened drops nothing, so without the coverage check both runs below would have PASSED
        Experiment.Outcome o = run("hardened", LoadSpec.of("steady", 20, 2, 6), List.of(
                new Step("by-name", 1_000, 0, 1, new DeletePods(new PodSelector(PodSelector.Mode.NAME, "no-such-pod",
                        1, null, 0), null)),
                new Step("late", 5_000, 0, 1, new DeletePods(PodSelector.random(1, 3), null)),
                new Step("hold", 1_000, 0, 1, new Scale(-1, 60_000))));
        assertThat(o.report().analysis().measuredFailed()).isZero();
        assertThat(o.report().verdict().status()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(o.report().verdict().reasons()).anySatisfy(r -> assertThat(r).startsWith(
                "disruption not measured: step by-name (delete pod no-such-pod) failed: no live pod named"
                        + " \"no-such-pod\""));
        assertThat(o.report().verdict().reasons()).anySatisfy(r -> assertThat(r)
                .startsWith("disruption not measured: pod ").contains("deleted by step late",
                        "after the last measured request", "its shutdown was not measured"));
        assertThat(o.summary()).contains("verdict    INCONCLUSIVE", "disruption not measured: step by-name");
        // the load ended in the middle of the scale step's hold: the step was stopped and the replicas put back
        assertThat(o.report().verdict().reasons()).contains("disruption not measured: step hold (scale by -1 and back"
                + " after 60.0 s) was still running when the load ended, so its effect was not measured");
        assertThat(o.report().timeline().stream().map(TimelineEvent::detail))
                .containsSubsequence("scaled from 3 to 2 replicas", "scaled from 2 to 3 replicas");

        JsonNode json = new ObjectMapper().readTree(dir.resolve("out/report.json").toFile());
        assertThat(json.path("verdict").path("status").asText()).isEqualTo("INCONCLUSIVE");
    }
}
