package io.zerodrop.bench;

import io.zerodrop.core.Undo;
import io.zerodrop.engine.Measurement;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.testsupport.AppProcess;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.traffic.LoadResult;
import io.zerodrop.traffic.TrafficListener;
import io.zerodrop.traffic.TrafficPlan;
import io.zerodrop.traffic.fleet.FleetRunner;
import io.zerodrop.traffic.fleet.LocalProcessFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test): the combined rate of 1, 2 and 4 load generator processes on this host (the local runtime
 * playing the load Job) against one target-app, and how long reading
 * their logs as one run takes. On 2 cores no gain is expected from more generators: the figure shows what the
 * distribution itself costs. Arguments: asked rate (default 4000: one generator's comfortable load here), measured
 * seconds (default 10), generator counts (default 1 2 4).
 */
public final class GeneratorsBench {
    public static void main(String[] args) throws Exception {
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 4_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<Integer> counts = args.length > 2 ? Arrays.stream(args, 2, args.length).map(Integer::valueOf)
                .toList() : List.of(1, 2, 4);
        System.out.printf(Locale.ROOT, "generators bench: steady at %.0f req/s asked, 3 s warm-up + %d s, %d cores%n",
                rate, seconds, Runtime.getRuntime().availableProcessors());
        Path dir = Files.createTempDirectory("zerodrop-generators-bench");
        for (int n : counts) {
            try (AppProcess app = AppProcess.start(AppProcess.env("SHUTDOWN_MODE", "immediate"));
                    Undo undo = new Undo()) {
                String url = "http://127.0.0.1:" + app.awaitListening();
                TrafficPlan plan = LoadSpec.of("steady", rate, 3, seconds).toPlan(url, dir.resolve("n" + n), false);
                LoadResult r = new FleetRunner(new LocalProcessFleet(url, List.of(), undo, List.of()), n, 1_000, undo)
                        .run(plan, new TrafficListener() { });
                long t = System.nanoTime();
                Measurement.Result m = Measurement.analyse(r.logs(), new Timeline(), 3, rate, null,
                        r.injectionSeenMs(), null);
                double mergeS = (System.nanoTime() - t) / 1e9;
                StringBuilder each = new StringBuilder();
                for (Measurement.GeneratorShare s : m.generators()) {
                    each.append(String.format(Locale.ROOT, " %s %.0f/s", s.name(), s.achievedRate()));
                }
                System.out.printf(Locale.ROOT, "  %d generator(s): combined %.0f req/s after the warm-up (%d requests,"
                        + " %.2f %% KO), clocks ± %s ms; logs read as one run in %.2f s%s%n", n,
                        m.analysis().achievedRate(), m.analysis().totalRequests(), m.analysis().errorRatePercent(),
                        r.logs().stream().map(g -> String.valueOf(g.uncertaintyMs())).toList(), mergeS,
                        each.length() > 0 ? ";" + each : "");
            }
        }
    }
}
