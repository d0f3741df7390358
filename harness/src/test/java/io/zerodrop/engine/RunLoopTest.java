package io.zerodrop.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.FailureClass;
import io.zerodrop.analysis.Phase;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.RunId;
import io.zerodrop.core.RunMarker;
import io.zerodrop.core.RunMarkersHere;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.DeletePods;
import io.zerodrop.disruption.PodSelector;
import io.zerodrop.disruption.Step;
import io.zerodrop.report.JournalEntry.Status;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.timeline.VirtualClock;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.verdict.Verdict;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole run loop — schedule, coverage, measurement, verdict, findings, reports — on a scripted runtime, a canned
 * load and a clock the test moves: each case runs in a moment, and every due time is met to the millisecond, so the
 * counts asserted are exactly what the canned log and the script put there, whatever the machine's speed.
 */
@ExtendWith(RunMarkersHere.class)
class RunLoopTest {
    /** Where the virtual clock starts: a fixed moment, so a run is the same every time. */
    static final long T0 = 1_900_000_000_000L;
    static final int WARMUP_S = 2;
    static final int DURATION_S = 10;

    @TempDir
    Path dir;

    /** One run on the virtual clock: its outcome, the runtime it ran on and the load it was given. */
    private record Ran(Experiment.Outcome outcome, ScriptedRuntime runtime, CannedLoad load, String console) {
        AnalysisResult analysis() {
            return outcome.report().analysis();
        }
    }

    /**
     * A run of {@code steps} on three pods ending as {@code script} says, one request every 10 ms; a request fails
     * with the message {@code failure} gives for (the runtime, its start time).
     */
    /** How many runs this test made: each writes into a directory of its own. */
    private int runs;

    private Ran run(ScriptedRuntime.Script script, List<Step> steps, Failure failure) {
        return run(script, steps, failure, null, new AtomicReference<>());
    }

    /** As above, as run {@code runId} (null: a new id); {@code marker}: the run's marker id while its runtime starts. */
    private Ran run(ScriptedRuntime.Script script, List<Step> steps, Failure failure, String runId,
            AtomicReference<String> marker) {
        VirtualClock clock = new VirtualClock(T0);
        AtomicReference<ScriptedRuntime> runtime = new AtomicReference<>();
        LongFunction<String> failing = t -> failure.at(runtime.get(), t);
        CannedLoad load = new CannedLoad(clock, 10, failing);
        StringWriter console = new StringWriter();
        Path out = OutputDirectory.create(dir.resolve("out-" + runs++), "--out", "");
        Experiment.Plan plan = new Experiment.Plan("fast", "run", LoadSpec.of("fresh-connections", 100, WARMUP_S,
                DURATION_S), steps, new Expectations(0L, null, null, null, null, null), out, false, Map.of(),
                Experiment.Plan.LOCAL_START_BUDGET, runId);
        Experiment.Outcome o = Experiment.runOn((timeline, undo) -> {
            marker.set(RunMarker.current().map(RunMarker::id).orElse(null));
            runtime.set(new ScriptedRuntime(timeline, script, 3));
            return runtime.get();
        }, workload(), plan, new PrintWriter(console, true), new Experiment.Wiring(clock, (l, r, u) -> load));
        return new Ran(o, runtime.get(), load, console.toString());
    }

    /** Which requests fail, and how. */
    interface Failure {
        Failure NONE = (r, t) -> null;

        /** The message of the request started at {@code t}, or null when it succeeded. */
        String at(ScriptedRuntime runtime, long t);
    }

    /**
     * Requests started in the race of the first deletion — after its container exited, before its endpoint left
     * rotation (at that millisecond it is out) — are refused.
     */
    static final Failure REFUSED_IN_THE_RACE = (r, t) -> {
        if (r.deletedAtMs.isEmpty()) {
            return null;
        }
        long deleted = r.deletedAtMs.get(0);
        ScriptedRuntime.Script s = ScriptedRuntime.Script.NAIVE;
        long exit = deleted + s.sigtermMs() + s.exitAfterSigtermMs();
        return t > exit && t < deleted + s.outOfRotationMs()
                ? "j.n.ConnectException: Connection refused: /127.0.0.1:9" : null;
    };

    private static Step deleteOne(String id, long atMs, long everyMs, int times) {
        return new Step(id, atMs, everyMs, times, new DeletePods(PodSelector.random(1, 7), null));
    }

    @Test
    void theNaiveRaceIsCountedExactlyJudgedFailedDiagnosedAndReported() throws Exception {
        Ran r = run(ScriptedRuntime.Script.NAIVE, List.of(deleteOne("d1", 3_000, 0, 1)), REFUSED_IN_THE_RACE);
        Experiment.Outcome o = r.outcome();
        AnalysisResult a = r.analysis();

        // the deletion was made on its due millisecond: the warm-up's end plus 3 s, on the one clock
        assertThat(r.runtime().deletedAtMs).containsExactly(T0 + WARMUP_S * 1000 + 3_000);
        // every failure the canned log holds is found, in the race, as a refusal: no more, no fewer
        assertThat(r.load().failed()).isEqualTo(27);
        assertThat(a.totalRequests()).as(o.summary()).isEqualTo(r.load().sent());
        assertThat(a.measuredFailed()).isEqualTo(27);
        assertThat(a.failuresByPhase()).isEqualTo(Map.of(Phase.SIGTERM_ENDPOINT_LIVE, 27L));
        assertThat(a.failuresByClass()).isEqualTo(Map.of(FailureClass.REFUSED, 27L));
        assertThat(o.report().verdict().status()).as(o.summary()).isEqualTo(Verdict.Status.FAILED);
        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.VERDICT_FAILED);
        // the finding names the race, with a fix
        assertThat(o.report().findings()).anySatisfy(f -> {
            assertThat(f.code()).isEqualTo("endpoint-race");
            assertThat(f.patch()).isNotNull();
        });
        // the journal: the occurrence issued when due and answered, the load, the teardown
        assertThat(o.report().steps()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("disruption d1: " + new DeletePods(PodSelector.random(1, 7), null)
                    .describe());
            assertThat(s.status()).isEqualTo(Status.OK);
            assertThat(s.detail()).startsWith("issued 0 ms after it was due");
        });
        assertThat(r.runtime().calls).containsOnlyOnce("close");
        // every report written, and they agree with the analysis
        Path out = dir.resolve("out-0");
        JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(json.at("/requests/failed").asLong()).isEqualTo(27);
        assertThat(json.at("/requests/measured").asLong()).isEqualTo(a.measuredRequests());
        assertThat(json.at("/verdict/status").asText()).isEqualTo("FAILED");
        assertThat(Files.readString(out.resolve("junit.xml"))).contains("<failure");
        assertThat(out.resolve("report.html")).isNotEmptyFile();
        assertThat(r.console()).contains("zerodrop: d1: delete 1 random pod(s)");
        assertThat(o.summary()).contains("verdict    FAILED");
    }

    @Test
    void theHardenedShutdownDropsNothingAndPasses() {
        Ran r = run(ScriptedRuntime.Script.HARDENED, List.of(deleteOne("d1", 3_000, 0, 1)), Failure.NONE);
        Experiment.Outcome o = r.outcome();

        assertThat(r.analysis().measuredFailed()).isZero();
        assertThat(r.analysis().measuredRequests()).isEqualTo(DURATION_S * 100);
        assertThat(o.report().verdict().status()).as(o.summary()).isEqualTo(Verdict.Status.PASSED);
        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.PASSED);
        assertThat(o.report().findings()).as(o.summary()).isEmpty();
        // the pod's story on the timeline: its preStop outlasted the endpoint, SIGTERM after it
        List<EventType> story = o.report().timeline().stream().filter(e -> e.pod().equals(deletedPod(o)))
                .map(TimelineEvent::type).toList();
        assertThat(story).containsSubsequence(EventType.POD_MARKED_FOR_DELETION, EventType.ENDPOINT_TERMINATING,
                EventType.SIGTERM_SENT, EventType.CONTAINER_EXITED);
    }

    @Test
    void aRunIsNamedByOneIdFromItsMarkerToItsReport() {
        AtomicReference<String> marker = new AtomicReference<>();
        Ran chosen = run(ScriptedRuntime.Script.HARDENED, List.of(), Failure.NONE, "20261205-103012-0af31b2c", marker);

        assertThat(marker.get()).as("the marker of a run whose id was chosen while preparing it")
                .isEqualTo("20261205-103012-0af31b2c");
        assertThat(chosen.outcome().report().header().run()).isEqualTo("20261205-103012-0af31b2c");
        assertThat(RunMarker.current()).as("the marker is gone with the run").isEmpty();

        Ran fresh = run(ScriptedRuntime.Script.HARDENED, List.of(), Failure.NONE, null, marker);
        assertThat(RunId.valid(marker.get())).as(marker.get()).isTrue();
        assertThat(fresh.outcome().report().header().run()).isEqualTo(marker.get());
        assertThat(marker.get()).isNotEqualTo("20261205-103012-0af31b2c");
    }

    @Test
    void aRepeatedStepIsIssuedAtEachDueTimeOnTheOneClock() {
        Ran r = run(ScriptedRuntime.Script.HARDENED, List.of(deleteOne("d", 500, 1_500, 3)), Failure.NONE);
        Experiment.Outcome o = r.outcome();

        long warmupEnd = T0 + WARMUP_S * 1000;
        assertThat(r.runtime().deletedAtMs).containsExactly(warmupEnd + 500, warmupEnd + 2_000, warmupEnd + 3_500);
        assertThat(o.report().timeline().stream().filter(e -> e.type() == EventType.DISRUPTION_ISSUED)
                .map(TimelineEvent::disruption)).containsExactly("d#1", "d#2", "d#3");
        assertThat(o.report().steps().stream().filter(s -> s.name().startsWith("disruption d#"))
                .map(s -> s.detail().substring(0, s.detail().indexOf(',')))).hasSize(3)
                .allMatch(d -> d.equals("issued 0 ms after it was due"));
        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.PASSED);
    }

    @Test
    void aStepTheRuntimeRefusedIsNotCreditedAndTheRunIsInconclusive() {
        ScriptedRuntime.Script s = ScriptedRuntime.Script.HARDENED;
        VirtualClock clock = new VirtualClock(T0);
        CannedLoad load = new CannedLoad(clock, 10, t -> null);
        StringWriter console = new StringWriter();
        Path out = OutputDirectory.create(dir.resolve("out-" + runs++), "--out", "");
        Experiment.Plan plan = new Experiment.Plan("fast", "run", LoadSpec.of("fresh-connections", 100, WARMUP_S,
                DURATION_S), List.of(deleteOne("d1", 3_000, 0, 1)), new Expectations(0L, null, null, null, null,
                null), out, false, Map.of());
        Experiment.Outcome o = Experiment.runOn((timeline, undo) -> new ScriptedRuntime(timeline, s, 3)
                .refusing(ZerodropException.environment("pods \"web-1\" is forbidden: cannot delete")), workload(),
                plan, new PrintWriter(console, true), new Experiment.Wiring(clock, (l, r, u) -> load));

        assertThat(o.report().verdict().status()).as(o.summary()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(o.report().verdict().reasons()).anySatisfy(reason -> assertThat(reason)
                .contains("step d1").contains("failed").contains("forbidden"));
        assertThat(o.report().steps()).anySatisfy(st -> {
            assertThat(st.name()).startsWith("disruption d1");
            assertThat(st.status()).isEqualTo(Status.FAILED);
        });
    }

    @Test
    void aDeletedPodStillRunningWhenTheLoadEndsIsNotMeasured() {
        // the deletion at +9.9 s: the hardened pod's 5 s preStop runs past the last request
        Ran r = run(ScriptedRuntime.Script.HARDENED, List.of(deleteOne("late", 9_900, 0, 1)), Failure.NONE);
        Experiment.Outcome o = r.outcome();

        assertThat(o.report().verdict().status()).as(o.summary()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(o.report().verdict().reasons()).anySatisfy(reason -> assertThat(reason)
                .contains("deleted by step late").contains("its shutdown was not measured"));
    }

    private static String deletedPod(Experiment.Outcome o) {
        return o.report().timeline().stream().filter(e -> e.type() == EventType.POD_MARKED_FOR_DELETION)
                .map(TimelineEvent::pod).findFirst().orElseThrow();
    }

    static Workload workload() {
        return new Workload("Deployment", "web", 3, Map.of("app", "web"), "web", "shop/web:1", List.of(), List.of(),
                Map.of(), List.of(), 8080, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 30,
                "25%", "25%", Optional.empty(), Optional.empty());
    }
}
