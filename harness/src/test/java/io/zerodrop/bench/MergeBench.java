package io.zerodrop.bench;

import io.zerodrop.analysis.Analyzer;
import io.zerodrop.gatling.GeneratorLog;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.gatling.SimulationLogReader;
import io.zerodrop.gatling.SimulationLogWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test): N records (default 1,000,000) in one simulation.log, and the same records spread over G
 * generators' logs (default 4) with skewed clocks, decoded and analysed as one run on the host's clock. The merge
 * must stay within the single-log budget (< 3 s, < 256 MB heap: run with -Xmx256m). Prints best and median of 5
 * timed runs after 2 warm-up runs, for both, and the peak heap.
 */
public final class MergeBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int g = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        long t0 = 1_800_000_000_000L;
        Path dir = Files.createTempDirectory("zerodrop-merge-bench");
        Path single = dir.resolve("single.log");
        List<GeneratorLog> logs = new ArrayList<>();
        List<SimulationLogWriter> writers = new ArrayList<>();
        try (SimulationLogWriter one = new SimulationLogWriter(single, "3.15.1", "io.zerodrop.sims.SteadySimulation",
                t0, List.of("s"))) {
            for (int k = 0; k < g; k++) {
                long skew = (k % 2 == 0 ? 1 : -1) * 137L * (k + 1);
                Path p = dir.resolve("gen-" + k + ".log");
                writers.add(new SimulationLogWriter(p, "3.15.1", "io.zerodrop.sims.SteadySimulation", t0 + skew,
                        List.of("s")));
                logs.add(new GeneratorLog("load-" + k, p, skew, 10));
            }
            for (int i = 0; i < n; i++) {
                long s = t0 + 1_000 + i; // 1,000 req/s in all
                boolean fail = i % 50 == 0;
                RequestRecord r = new RequestRecord("GET /", s, s + 1 + i % 7, !fail, fail
                        ? "j.n.ConnectException: Connection refused" : "");
                one.request(List.of(), r);
                int k = i % g;
                long skew = logs.get(k).offsetMs();
                writers.get(k).request(List.of(), new RequestRecord(r.name(), s + skew, r.endMs() + skew, r.ok(),
                        r.message()));
            }
        } finally {
            for (SimulationLogWriter w : writers) {
                w.close();
            }
        }
        double singleS = time("one log", n, () -> {
            Analyzer a = new Analyzer(t0, t0 + 5_000, List.of(), 1000, 10_000);
            SimulationLogReader.readAll(single, a::accept);
            return a.result().measuredFailed();
        });
        double mergedS = time(g + " generators' logs, merged", n, () -> {
            Analyzer a = new Analyzer(t0, t0 + 5_000, List.of(), 1000, 10_000);
            long[] perGenerator = new long[logs.size()]; // as the measurement counts each generator's share
            GeneratorLog.readAll(logs, a::accept, (i, r) -> perGenerator[i]++);
            return a.result().measuredFailed();
        });
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "merge overhead: %.0f %%; peak heap used %.0f MB of max %.0f MB%n",
                100 * (mergedS / singleS - 1), peak / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    interface Run {
        long run() throws Exception;
    }

    private static double time(String what, int n, Run r) throws Exception {
        long[] times = new long[7];
        long failed = 0;
        for (int i = 0; i < times.length; i++) {
            System.gc();
            long start = System.nanoTime();
            failed = r.run();
            times[i] = System.nanoTime() - start;
        }
        long[] timed = Arrays.copyOfRange(times, 2, times.length);
        Arrays.sort(timed);
        System.out.printf(Locale.ROOT, "%s, %d records: best %.2f s, median %.2f s (5 runs after 2 warm-up); %d"
                + " failures%n", what, n, timed[0] / 1e9, timed[2] / 1e9, failed);
        return timed[2] / 1e9;
    }
}
