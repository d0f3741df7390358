package io.zerodrop.bench;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.analysis.Analyzer;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.gatling.SimulationLogReader;
import io.zerodrop.gatling.SimulationLogWriter;
import io.zerodrop.ledger.DataPath;
import io.zerodrop.ledger.RequestJoin;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Benchmark (not a test): decode + analyse N request records (default 1,000,000: 1,000 req/s for 1,000 s, 2 %
 * failures of four classes around ten pod deletions). Run with {@code -Xmx256m} by the harness {@code bench}
 * profile; prints the best and median of 5 timed runs after 2 warm-up runs, and the peak heap in use.
 */
public final class DecodeAnalyseBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path log = Files.createTempFile("zerodrop-bench", ".simulation.log");
        long t0 = 1_800_000_000_000L;
        String[] messages = {"j.n.ConnectException: Connection refused", "i.g.h.c.i.PrematureCloseException: Premature close",
            "Request timeout to 127.0.0.1/127.0.0.1:8080 after 2000 ms", "status.find.in(200), found 503"};
        try (SimulationLogWriter w = new SimulationLogWriter(log, "3.15.1", "io.zerodrop.sims.SteadySimulation", t0,
                List.of("SteadySimulation"))) {
            for (int i = 0; i < n; i++) {
                long s = t0 + i; // 1,000 req/s
                boolean fail = i % 50 == 0;
                w.user(true, s);
                w.request(List.of(), new RequestRecord(i % 2 == 0 ? "GET /" : "GET /work", s, s + 1 + i % 7, !fail,
                        fail ? messages[(i / 50) % 4] : ""));
                w.user(false, s + 8);
            }
        }
        List<TimelineEvent> timeline = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            long at = t0 + 50_000L + d * 90_000L;
            timeline.add(TimelineEvent.of(at, EventType.DISRUPTION_ISSUED, "pod-" + d, "delete-" + d, ""));
            timeline.add(TimelineEvent.of(at, EventType.POD_MARKED_FOR_DELETION, "pod-" + d, "delete-" + d, ""));
            timeline.add(TimelineEvent.of(at + 10, EventType.SIGTERM_SENT, "pod-" + d, "delete-" + d, ""));
            timeline.add(TimelineEvent.of(at + 1_000, EventType.ENDPOINT_REMOVED, "pod-" + d, "delete-" + d, ""));
            timeline.add(TimelineEvent.of(at + 1_200, EventType.CONTAINER_EXITED, "pod-" + d, "delete-" + d, ""));
        }
        System.out.printf(Locale.ROOT, "file: %d records, %.1f MB%n", n, Files.size(log) / 1e6);
        long[] times = new long[7];
        AnalysisResult last = null;
        for (int run = 0; run < times.length; run++) {
            System.gc();
            long start = System.nanoTime();
            Analyzer a = new Analyzer(t0, t0 + 5_000, timeline, 1000, 10_000);
            SimulationLogReader.readAll(log, a::accept);
            last = a.result();
            times[run] = System.nanoTime() - start;
        }
        long[] timed = Arrays.copyOfRange(times, 2, times.length);
        Arrays.sort(timed);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "decode+analyse %d records: cold (first) run %.2f s; best %.2f s, median %.2f s"
                + " (5 runs after 2 warm-up); peak heap used %.0f MB of max %.0f MB; %d failures, %d attributions kept%n",
                n, times[0] / 1e9, timed[0] / 1e9, timed[2] / 1e9, peak / 1e6, Runtime.getRuntime().maxMemory() / 1e6, last.measuredFailed(),
                last.attributions().size());
        Files.delete(log);
        join(n, t0);
    }

    /** The exact join by request id: a client log of n requests and three pods' request logs (2 % failed). */
    static void join(int n, long t0) throws Exception {
        Path dir = Files.createTempDirectory("zerodrop-bench-join");
        Path client = dir.resolve("client.log");
        Map<String, Path> pods = new TreeMap<>();
        try (var c = Files.newBufferedWriter(client)) {
            BufferedWriter[] w = new BufferedWriter[3];
            for (int p = 0; p < 3; p++) {
                pods.put("pod-" + p, dir.resolve("pod-" + p + ".log"));
                w[p] = Files.newBufferedWriter(pods.get("pod-" + p));
            }
            c.write("# zerodrop client requests v1 run bench\n");
            for (int i = 0; i < n; i++) {
                long s = t0 + i;
                boolean fail = i % 50 == 0;
                c.write(i + " " + s + " " + (s + 2) + (fail ? " 0\n" : " 1\n"));
                if (i % 100 != 0) { // half of the failures never reached a server
                    w[i % 3].write("R bench-" + i + " " + (s + 1) + "\nS bench-" + i + " " + (s + 2)
                            + (fail ? " CUT 0\n" : " OK 200\n"));
                }
            }
            for (BufferedWriter x : w) {
                x.close();
            }
        }
        long bytes = Files.size(client);
        for (Path p : pods.values()) {
            bytes += Files.size(p);
        }
        long[] times = new long[7];
        RequestJoin.Exact x = null;
        for (int run = 0; run < times.length; run++) {
            System.gc();
            long start = System.nanoTime();
            x = RequestJoin.join(client, pods, run == times.length - 1 ? dir.resolve("t.tsv") : null);
            times[run] = System.nanoTime() - start;
        }
        long withTable = times[times.length - 1];
        long[] timed = Arrays.copyOfRange(times, 2, times.length - 1);
        Arrays.sort(timed);
        System.out.printf(Locale.ROOT, "join by request id, %d requests (%.1f MB of logs): cold %.2f s; best %.2f s,"
                + " median %.2f s; with the requests.tsv table written %.2f s; %d failed = %d never reached + %d cut%n",
                n, bytes / 1e6, times[0] / 1e9, timed[0] / 1e9, timed[timed.length / 2] / 1e9, withTable / 1e9,
                x.clientFailed(), x.neverReached(), x.cutByServer());
        // routing stopped for ten deleted pods, from the same logs (a second read of them, before the analysis)
        List<TimelineEvent> deletions = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            long at = t0 + (long) n * (d + 1) / 11;
            deletions.add(TimelineEvent.of(at, EventType.POD_MARKED_FOR_DELETION, "pod-" + d % 3, "d" + d, ""));
            deletions.add(TimelineEvent.of(at + 5_000, EventType.SIGTERM_SENT, "pod-" + d % 3, "d" + d, ""));
            deletions.add(TimelineEvent.of(at + 100, EventType.ENDPOINT_TERMINATING, "pod-" + d % 3, "d" + d, ""));
        }
        long[] routing = new long[5];
        int events = 0;
        for (int run = 0; run < routing.length; run++) {
            System.gc();
            long start = System.nanoTime();
            events = DataPath.routingStopped(List.of(client), pods, deletions, DataPath.Allowance.NONE, true).size();
            routing[run] = System.nanoTime() - start;
        }
        long[] warm = Arrays.copyOfRange(routing, 1, routing.length);
        Arrays.sort(warm);
        System.out.printf(Locale.ROOT, "routing stopped from the same logs, %d requests: cold %.2f s; best %.2f s,"
                + " median %.2f s; %d events%n", n, routing[0] / 1e9, warm[0] / 1e9, warm[warm.length / 2] / 1e9,
                events);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
