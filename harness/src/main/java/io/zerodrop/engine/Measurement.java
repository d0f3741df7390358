package io.zerodrop.engine;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.Analyzer;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.findings.Diagnosis;
import io.zerodrop.findings.Finding;
import io.zerodrop.findings.RunEvidence;
import io.zerodrop.gatling.GeneratorLog;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.gatling.RunHeader;
import io.zerodrop.ledger.GroundTruth;
import io.zerodrop.ledger.LedgerSnapshot;
import io.zerodrop.ledger.LedgerSource;
import io.zerodrop.ledger.DataPath;
import io.zerodrop.ledger.RequestJoin;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.EvictionStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a finished traffic run and the timeline into an analysis, the ground truth and findings. Runtime-agnostic:
 * the traffic command, the local runtime and the Kubernetes runtime all end here.
 */
public final class Measurement {
    /** How many failed requests are kept in full for the reports; the rest are counted all the same. */
    public static final int MAX_ATTRIBUTIONS = 10_000;
    /** How long to wait for a running target's periodic ledger to cover the last request. */
    public static final long LEDGER_WAIT_MS = 3_000;

    /** What one run measured; {@code generators}: each load generator's share, when there were several. */
    public record Result(RunHeader gatling, AnalysisResult analysis, Optional<GroundTruth> groundTruth,
            List<Finding> findings, EvictionStats evictions, List<GeneratorShare> generators) {

        public Result(RunHeader gatling, AnalysisResult analysis, Optional<GroundTruth> groundTruth,
                List<Finding> findings, EvictionStats evictions) {
            this(gatling, analysis, groundTruth, findings, evictions, List.of());
        }

        /** The generators that could not send their share (below 90 % of it), by name. */
        public List<String> saturatedGenerators() {
            return generators.stream().filter(GeneratorShare::saturated).map(g -> String.format(Locale.ROOT,
                    "%s (%.1f of %.1f req/s)", g.name(), g.achievedRate(), g.askedRate())).toList();
        }
    }

    /**
     * What one load generator of several sent after the warm-up, on this host's clock: its requests and failures,
     * the rate it achieved against its share of the asked rate (saturated below 90 %, the rule of the whole run).
     */
    public record GeneratorShare(String name, long requests, long measured, long failed, double askedRate,
            double achievedRate, long clockOffsetMs, long clockUncertaintyMs) {
        public boolean saturated() {
            return askedRate > 0 && achievedRate < 0.9 * askedRate;
        }
    }

    private Measurement() {
    }

    public static Result analyse(Path simulationLog, Timeline timeline, int rampSeconds, double askedRate,
            List<Path> ledgers) {
        return analyse(simulationLog, timeline, rampSeconds, askedRate, ledgers, LEDGER_WAIT_MS);
    }

    /**
     * As above; {@code ledgerWaitMs} is how long to wait for a still-running target's periodic ledger to cover
     * the last request (0 when the runtime has stopped every pod already).
     */
    public static Result analyse(Path simulationLog, Timeline timeline, int rampSeconds, double askedRate,
            List<Path> ledgers, long ledgerWaitMs) {
        return analyse(simulationLog, timeline, rampSeconds, askedRate, ledgers, ledgerWaitMs, -1);
    }

    /**
     * As above; {@code injectionSeenMs} is when zerodrop saw Gatling start injecting (the disruption schedule's
     * origin): when given, the warm-up ends {@code rampSeconds} after it, so the schedule and the measured window
     * share one origin; otherwise the warm-up starts with the log's first user.
     */
    public static Result analyse(Path simulationLog, Timeline timeline, int rampSeconds, double askedRate,
            List<Path> ledgers, long ledgerWaitMs, long injectionSeenMs) {
        return analyse(simulationLog, timeline, rampSeconds, askedRate, ledgers, ledgerWaitMs, injectionSeenMs, null);
    }

    /**
     * Where the requests carried ids: the simulation's client log, the pods' request logs (pod → file), and the file
     * the joined table goes to. All three are needed for the exact join; with any missing it is skipped. With them,
     * how much later than the API the runtime's data path may stop routing, and whether every request opened its
     * own connection (only then does where requests went show where the data path routed).
     */
    public record RequestLogs(List<Path> clientLogs, Map<String, Path> serverLogs, Path joinedTable,
            DataPath.Allowance routingAllowance, boolean freshConnections) {
        boolean usable() {
            return !clientLogs.isEmpty() && clientLogs.stream().allMatch(Files::exists) && !serverLogs.isEmpty();
        }
    }

    /** As above, joining client and servers request by request where {@code requestLogs} allow it. */
    public static Result analyse(Path simulationLog, Timeline timeline, int rampSeconds, double askedRate,
            List<Path> ledgers, long ledgerWaitMs, long injectionSeenMs, RequestLogs requestLogs) {
        return analyse(simulationLog, timeline, rampSeconds, askedRate, ledgers.isEmpty() ? null
                : LedgerSource.files(ledgers, ledgerWaitMs), injectionSeenMs, requestLogs);
    }

    /** As above, the servers' accounts from {@code ledgers} (null: there are none). */
    public static Result analyse(Path simulationLog, Timeline timeline, int rampSeconds, double askedRate,
            LedgerSource ledgers, long injectionSeenMs, RequestLogs requestLogs) {
        return analyse(List.of(new GeneratorLog("local", simulationLog, 0, 0)), timeline,
                rampSeconds, askedRate, ledgers, injectionSeenMs, requestLogs);
    }

    /**
     * As above, for the logs of several load generators read as one run on this host's clock (each corrected by its
     * generator's measured offset); the analysis does not know how many there were.
     */
    public static Result analyse(List<GeneratorLog> generators, Timeline timeline,
            int rampSeconds, double askedRate, LedgerSource ledgers, long injectionSeenMs, RequestLogs requestLogs) {
        RunHeader header;
        long loadStart;
        Analyzer analyzer;
        String simulationLog = generators.size() == 1 ? generators.get(0).log().toString()
                : generators.stream().map(g -> g.log().toString()).toList().toString();
        try {
            header = GeneratorLog.readHeader(generators);
            loadStart = injectionSeenMs > 0 ? injectionSeenMs : GeneratorLog.firstUserStartMs(
                    generators);
        } catch (IOException e) {
            throw ZerodropException.environment("cannot read " + simulationLog + ": " + e.getMessage(), e);
        }
        long warmupEnd = (loadStart > 0 ? loadStart : header.runStartMs()) + rampSeconds * 1000L;
        timeline.add(TimelineEvent.global(header.runStartMs(), EventType.TRAFFIC_STARTED, header.simulationClass()));
        if (rampSeconds > 0) {
            timeline.add(TimelineEvent.global(warmupEnd, EventType.WARMUP_ENDED, "warm-up of " + rampSeconds + " s"));
        }
        if (requestLogs != null) {
            // where traffic really stopped reaching each deleted pod, before any failure is put in a phase
            timeline.addAll(DataPath.routingStopped(requestLogs.clientLogs(), requestLogs.serverLogs(),
                    timeline.events(), requestLogs.routingAllowance(), requestLogs.freshConnections()));
        }
        analyzer = new Analyzer(header.runStartMs(), warmupEnd, timeline.events(), askedRate, MAX_ATTRIBUTIONS);
        Shares shares = new Shares(generators.size(), warmupEnd);
        try {
            GeneratorLog.readAll(generators, analyzer, shares::add);
        } catch (IOException e) {
            throw ZerodropException.environment("cannot read " + simulationLog + ": " + e.getMessage(), e);
        }
        AnalysisResult a = analyzer.result();
        if (a.lastRequestMs() > 0) {
            timeline.add(TimelineEvent.global(a.lastRequestMs(), EventType.TRAFFIC_ENDED, a.totalRequests() + " requests"));
        }
        RequestJoin.Exact exact = requestLogs != null && requestLogs.usable() ? RequestJoin.joinAll(requestLogs.clientLogs(),
                requestLogs.serverLogs(), requestLogs.joinedTable()) : null;
        List<LedgerSnapshot> snapshots = ledgers == null ? List.of() : ledgers.collect(a.lastRequestMs());
        Optional<GroundTruth> truth = snapshots.isEmpty() ? Optional.empty()
                : Optional.of(GroundTruth.of(a, snapshots, exact));
        EvictionStats ev = EvictionStats.from(timeline.events());
        List<Finding> findings = Diagnosis.measured(RunEvidence.measured(timeline.events(), a, ev, truth));
        return new Result(header, a, truth, List.copyOf(findings), ev, generators.size() < 2 ? List.of()
                : shares.result(generators, askedRate));
    }

    /** Counts per generator, with the rules the analysis applies to the whole run. */
    private static final class Shares {
        final long[] total;
        final long[] measured;
        final long[] failed;
        final long[] first;
        final long[] last;
        final long warmupEnd;

        Shares(int n, long warmupEnd) {
            total = new long[n];
            measured = new long[n];
            failed = new long[n];
            first = new long[n];
            last = new long[n];
            Arrays.fill(first, Long.MAX_VALUE);
            Arrays.fill(last, Long.MIN_VALUE);
            this.warmupEnd = warmupEnd;
        }

        void add(int generator, RequestRecord r) {
            total[generator]++;
            if (r.startMs() >= warmupEnd) {
                measured[generator]++;
                failed[generator] += r.ok() ? 0 : 1;
                first[generator] = Math.min(first[generator], r.startMs());
                last[generator] = Math.max(last[generator], r.startMs());
            }
        }

        List<GeneratorShare> result(List<GeneratorLog> generators, double askedRate) {
            List<GeneratorShare> out = new ArrayList<>();
            for (int i = 0; i < total.length; i++) {
                double seconds = (last[i] - first[i]) / 1000.0;
                double achieved = measured[i] < 2 || seconds <= 0 ? measured[i] : (measured[i] - 1) / seconds;
                GeneratorLog g = generators.get(i);
                out.add(new GeneratorShare(g.name(), total[i], measured[i], failed[i], askedRate / total.length,
                        achieved, g.offsetMs(), g.uncertaintyMs()));
            }
            return List.copyOf(out);
        }
    }

    /** The analysis of a run that sent no load (it broke off before): every count 0, the timeline kept. */
    public static AnalysisResult nothingMeasured(Timeline timeline, double askedRate) {
        long now = timeline.nowMs();
        return new Analyzer(now, now, timeline.events(), askedRate, MAX_ATTRIBUTIONS).result();
    }
}
