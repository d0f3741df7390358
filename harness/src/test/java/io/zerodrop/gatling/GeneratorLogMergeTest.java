package io.zerodrop.gatling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.engine.Measurement;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.verdict.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several load generators' logs read as one run on the host's clock: with each generator's clock skewed and the
 * skew measured, the merged analysis is exactly the analysis of one generator sending everything — same counts,
 * same phases, same pods; uncorrected, failures land in the wrong phases. Generators whose clock is known too
 * loosely are refused.
 */
class GeneratorLogMergeTest {
    static final long T = 1_800_000_000_000L;
    static final String VERSION = "3.15.1";
    static final String SIM = "io.zerodrop.sims.SteadySimulation";

    @TempDir
    Path dir;

    static Timeline timeline() {
        Timeline t = new Timeline();
        t.addAll(List.of(TimelineEvent.of(T + 4_000, EventType.DISRUPTION_ISSUED, "pod-a", "delete-1", "delete pod-a"),
                TimelineEvent.of(T + 4_000, EventType.POD_MARKED_FOR_DELETION, "pod-a", "delete-1", ""),
                TimelineEvent.of(T + 4_010, EventType.SIGTERM_SENT, "pod-a", "delete-1", ""),
                new TimelineEvent(T + 4_050, EventType.CONTAINER_EXITED, "pod-a", "delete-1", "",
                        Map.of(Attribute.EXIT_CODE, "143")),
                TimelineEvent.of(T + 5_000, EventType.ENDPOINT_TERMINATING, "pod-a", "delete-1", "")));
        return t;
    }

    /** 3,000 requests 5 ms apart; those sent while pod-a is dead but in rotation are refused. */
    static RequestRecord request(int i) {
        long s = T + 200 + i * 5L;
        boolean fails = s > T + 4_050 && s < T + 5_000 && i % 3 == 0;
        return new RequestRecord("GET /", s, s + 2, !fails, fails ? "j.n.ConnectException: Connection refused" : "");
    }

    /** Writes the requests {@code i % n == k} as generator {@code k} whose clock runs {@code skew} ms off. */
    private Path write(String name, int n, int k, long skew) throws Exception {
        Path p = dir.resolve(name + ".log");
        try (SimulationLogWriter w = new SimulationLogWriter(p, VERSION, SIM, T + skew + k, List.of("s"))) {
            w.user(true, T + 100 + skew + k);
            for (int i = k; i < 3000; i += n) {
                RequestRecord r = request(i);
                w.request(List.of(), new RequestRecord(r.name(), r.startMs() + skew, r.endMs() + skew, r.ok(),
                        r.message()));
            }
        }
        return p;
    }

    private static AnalysisResult analyse(List<GeneratorLog> logs) {
        return Measurement.analyse(logs, timeline(), 1, 200, null, -1, null).analysis();
    }

    @Test
    void skewedGeneratorsCorrectedByTheirMeasuredOffsetsAddUpToOneGenerator() throws Exception {
        AnalysisResult one = analyse(List.of(new GeneratorLog("single", write("single", 1, 0, 0), 0, 0)));
        long[] skews = {250, -400, 0};
        List<GeneratorLog> three = List.of(
                new GeneratorLog("load-0", write("g0", 3, 0, skews[0]), skews[0], 20),
                new GeneratorLog("load-1", write("g1", 3, 1, skews[1]), skews[1], 20),
                new GeneratorLog("load-2", write("g2", 3, 2, skews[2]), skews[2], 20));
        AnalysisResult merged = analyse(three);
        assertThat(merged.totalRequests()).isEqualTo(one.totalRequests()).isEqualTo(3000);
        assertThat(merged.measuredFailed()).isEqualTo(one.measuredFailed()).isPositive();
        assertThat(merged.failuresByPhase()).isEqualTo(one.failuresByPhase());
        assertThat(merged.failuresByPod()).isEqualTo(one.failuresByPod());
        assertThat(merged.firstRequestMs()).isEqualTo(one.firstRequestMs());
        assertThat(merged.lastRequestMs()).isEqualTo(one.lastRequestMs());
        assertThat(merged.runStartMs()).as("the earliest generator's start, on the host's clock").isEqualTo(T);

        // the same logs taken at their word: the failures move out of the race into other phases
        AnalysisResult naive = analyse(List.of(new GeneratorLog("load-0", three.get(0).log(), 0, 0),
                new GeneratorLog("load-1", three.get(1).log(), 0, 0),
                new GeneratorLog("load-2", three.get(2).log(), 0, 0)));
        assertThat(naive.failuresByPhase()).isNotEqualTo(one.failuresByPhase());
    }

    @Test
    void aGeneratorWhoseClockIsKnownTooLooselyIsRefusedAndOneOfAnotherRunToo() throws Exception {
        List<GeneratorLog> logs = List.of(new GeneratorLog("load-0", write("a", 2, 0, 0), 0, 40),
                new GeneratorLog("load-1", write("b", 2, 1, 0), 0, 180));
        GeneratorLog.requireResolution(logs, 200);
        assertThatThrownBy(() -> GeneratorLog.requireResolution(logs, 100)).isInstanceOf(ZerodropException.class)
                .hasMessageStartingWith("the clock of load generator(s) load-1 (± 180 ms) is known only to more than"
                        + " the 100 ms the verdict needs")
                .extracting(e -> ((ZerodropException) e).exitCode()).isEqualTo(ExitCodes.ENVIRONMENT);

        Path other = dir.resolve("other.log");
        try (SimulationLogWriter w = new SimulationLogWriter(other, VERSION, "other.Sim", T, List.of("s"))) {
            w.user(true, T + 1);
        }
        assertThatThrownBy(() -> GeneratorLog.readHeader(List.of(logs.get(0), new GeneratorLog("load-9", other, 0,
                0)))).hasMessageContaining("load generator load-9 ran other.Sim").hasMessageEndingWith("not one run");
    }

    /**
     * Each generator is held to its share of the asked rate: one that sent 6 in 7 of its share is named, and the run
     * is INCONCLUSIVE for it — though the run as a whole reached 93 % of the asked rate and its failure would fail it.
     */
    @Test
    void aGeneratorBelowItsShareMakesTheRunInconclusiveWithItsName() throws Exception {
        Path full = dir.resolve("full.log");
        Path slow = dir.resolve("slow.log");
        // 100 req/s asked of two generators: one sends its 50/s for 10 s, the other 6 in 7 of its requests only
        try (SimulationLogWriter a = new SimulationLogWriter(full, VERSION, SIM, T, List.of("s"));
                SimulationLogWriter b = new SimulationLogWriter(slow, VERSION, SIM, T, List.of("s"))) {
            for (int i = 0; i < 500; i++) {
                long s = T + 1_000 + i * 20L;
                a.request(List.of(), new RequestRecord("GET /", s, s + 2, i != 250, i != 250 ? ""
                        : "j.n.ConnectException: Connection refused"));
                if (i % 7 != 0) {
                    b.request(List.of(), new RequestRecord("GET /", s + 7, s + 9, true, ""));
                }
            }
        }
        Measurement.Result m = Measurement.analyse(List.of(new GeneratorLog("load-0", full, 0, 1),
                new GeneratorLog("load-1", slow, 0, 1)), new Timeline(), 0, 100, null, T + 1_000, null);
        assertThat(m.generators()).extracting(Measurement.GeneratorShare::name).containsExactly("load-0", "load-1");
        assertThat(m.generators()).extracting(Measurement.GeneratorShare::askedRate).containsExactly(50.0, 50.0);
        assertThat(m.generators().get(0).saturated()).isFalse();
        assertThat(m.generators().get(0).failed()).isEqualTo(1);
        assertThat(m.analysis().loadGeneratorSaturated()).isFalse();
        assertThat(m.generators().get(1).measured()).isEqualTo(428);
        assertThat(m.generators().get(1).achievedRate()).isBetween(42.0, 43.5);
        assertThat(m.saturatedGenerators()).singleElement().asString().startsWith("load-1 (4");
        Verdict v = Verdict.judge(m.analysis(),
                Expectations.zeroDrops(), null, m.evictions(), List.of(), m.saturatedGenerators());
        assertThat(v.status()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(v.reasons()).anySatisfy(r -> assertThat(r).startsWith("load generator(s) load-1 (4")
                .contains("of 50.0 req/s) sent below 90 % of their share"));
        assertThat(v.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT);
        // one generator alone has no share to be held to: the run's own rule applies
        assertThat(Measurement.analyse(List.of(new GeneratorLog("local", full, 0, 0)), new Timeline(), 0, 50, null,
                T + 1_000, null).generators()).isEmpty();
    }
}
