package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.Attribution;
import io.zerodrop.analysis.FailureClass;
import io.zerodrop.analysis.Phase;
import io.zerodrop.analysis.PodTermination;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.disruption.DeletePods;
import io.zerodrop.disruption.PodSelector;
import io.zerodrop.disruption.Step;
import io.zerodrop.engine.Experiment;
import io.zerodrop.scenario.LoadFrom;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.traffic.GeneratorRow;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local runtime plays the load Job: three generator processes, two of them with clocks made to run 3 s ahead and
 * 1.5 s behind, send the naive deletion's load. Read as one run on this host's clock, it is judged as the same
 * deletion under one generator is: the servers' ledgers and request logs reconcile exactly with the merged client
 * account, and every failure falls in the same phases of the deleted pod — each inside its SIGTERM-to-out-of-rotation
 * window, where the uncorrected times, seconds off, would not fall.
 */
@Tag("slow")
class DistributedLoadProofTest {
    private static final List<Long> SKEWS = List.of(0L, 3_000L, -1_500L);

    @TempDir
    Path dir;

    private Experiment.Outcome run(String name, LoadSpec load, List<Long> skews) {
        Workload w = Overlays.load("naive");
        Experiment.Plan plan = new Experiment.Plan(name, "test", load,
                List.of(new Step("delete-1", 2_000, 0, 1, new DeletePods(PodSelector.random(1, 7), null))),
                Expectations.zeroDrops(), dir.resolve(name), false, Map.of());
        return Experiment.runOn(LocalRuntime.factory(LocalSettings.defaults(7, dir.resolve(name + "-local"))
                .withGeneratorClockSkews(skews)), w, plan, new PrintWriter(new StringWriter()));
    }

    @Test
    void threeSkewedGeneratorsAreJudgedAsOneGeneratorIs() {
        // a run whose generators a starved machine could not drive at the rate is made again (Measured)
        Experiment.Outcome single = Measured.run((attempt, seconds) -> run("single-" + attempt,
                LoadSpec.of("fresh-connections", 150, 3, seconds), List.of()), 10);
        Experiment.Outcome merged = Measured.run((attempt, seconds) -> run("merged-" + attempt,
                LoadSpec.of("fresh-connections", 150, 3, seconds).from(new LoadFrom("cluster", 3, null, 100, null)),
                SKEWS), 10);

        for (Experiment.Outcome o : List.of(single, merged)) {
            assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.VERDICT_FAILED);
            Reconcile.exactly(o);
        }
        // each generator's clock measured, and its records moved by it
        List<GeneratorRow> generators = merged.report().generators();
        assertThat(generators).hasSize(3);
        long measured = 0;
        for (int i = 0; i < 3; i++) {
            GeneratorRow g = generators.get(i);
            assertThat(g.clockUncertaintyMs()).isLessThanOrEqualTo(100);
            assertThat(Math.abs(g.clockOffsetMs() - SKEWS.get(i))).as("generator %d's offset", i)
                    .isLessThanOrEqualTo(g.clockUncertaintyMs());
            assertThat(g.saturated()).isFalse();
            measured += g.measured();
        }
        assertThat(measured).as("the generators' shares add up to the run").isEqualTo(merged.report().analysis()
                .measuredRequests());

        // the same phases as under one generator, each failure inside the deleted pod's window on this host's clock
        Set<Phase> allowed = Set.of(Phase.SIGTERM_ENDPOINT_LIVE, Phase.REPLACEMENT_STARTING, Phase.AFTER_EXIT);
        for (Experiment.Outcome o : List.of(single, merged)) {
            AnalysisResult a = o.report().analysis();
            // the dying pod in rotation takes failures when the client really sent requests in that race (as in
            // LocalRuntimeProofTest: a fast-exiting app or a starved generator can leave the race empty)
            PodTermination t = a.terminations().get(0);
            long raceMs = LocalRuntimeProofTest.refusingInRotationMs(t);
            long sentInRace = LocalRuntimeProofTest.sentBetween(o, t.outOfRotationMs() - raceMs, t.outOfRotationMs());
            if (t.sigtermMs() > 0 && sentInRace >= 20 && LocalRuntimeProofTest.placedWithin(o, raceMs)) {
                assertThat(a.failuresByPhase().getOrDefault(Phase.SIGTERM_ENDPOINT_LIVE, 0L)).as("race of %d ms, %d"
                        + " requests sent in it; %s", raceMs, sentInRace, o.summary()).isPositive();
            }
            // a baseline failure is the target's, unless it timed out on a machine the run itself measured starved
            // (baseline p99 at half the 5 s timeout or more): then it is the machine's
            boolean starved = Measured.starved(a) && a.attributions().stream().filter(x -> x.phase() == Phase.BASELINE)
                    .allMatch(x -> x.failureClass() == FailureClass.REQUEST_TIMEOUT
                            || x.failureClass() == FailureClass.CONNECT_TIMEOUT);
            Set<Phase> expected = new TreeSet<>(allowed);
            if (starved) {
                expected.add(Phase.BASELINE);
            }
            assertThat(new TreeSet<>(a.failuresByPhase().keySet())).as(o.summary()).isSubsetOf(expected);
            String pod = o.report().timeline().stream().filter(e -> e.type() == EventType.POD_MARKED_FOR_DELETION)
                    .map(TimelineEvent::pod).findFirst().orElseThrow();
            for (Attribution at : a.attributions()) {
                assertThat(at.failureClass()).isIn(FailureClass.REFUSED, FailureClass.RESET);
                if (at.phase() == Phase.SIGTERM_ENDPOINT_LIVE) {
                    assertThat(at.pods()).containsExactly(pod);
                    assertThat(at.atMs()).isBetween(t.sigtermMs(), t.outOfRotationMs());
                } else if (at.phase() == Phase.AFTER_EXIT) {
                    assertThat(at.failureClass()).isEqualTo(FailureClass.REFUSED); // a stale route only
                } else {
                    assertThat(at.pods()).containsExactly(t.replacement());
                }
            }
        }
    }
}
