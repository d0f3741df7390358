package io.zerodrop.traffic.fleet;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.gatling.GeneratorLog;
import io.zerodrop.sims.GeneratorProtocol;
import io.zerodrop.sims.GeneratorProtocol.Command;
import io.zerodrop.traffic.GeneratorRow;
import io.zerodrop.traffic.LoadGenerators;
import io.zerodrop.traffic.LoadInterrupted;
import io.zerodrop.traffic.LoadResult;
import io.zerodrop.traffic.Progress;
import io.zerodrop.traffic.TrafficListener;
import io.zerodrop.traffic.TrafficPlan;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drives the generators of a fleet as one load: launched (waiting), each one's clock measured against this host's,
 * all started together, their simulation.logs streamed here while they run (live progress from all of them), read to
 * the end, their clocks measured again, then told to finish. The logs are read as one run on this host's clock, each
 * corrected by its generator's offset; a generator whose clock is known less well than {@code resolutionMs} makes the
 * run refuse (exit 3) rather than put failures in the wrong phase. A generator that dies during the load (its
 * Gatling failed, its process or pod is gone: OOMKilled, evicted, its node lost) is said at once with its reason and
 * left behind; the others go on, and what it had sent until then is kept, cut short. Only when every generator has
 * died does the load fail (exit 3).
 */
public final class FleetRunner implements LoadGenerators {
    /** How far ahead of telling the generators their common start is set, at least. */
    static final long GO_LEAD_MS = 300;
    /** How long the generators may take to load the simulation and be ready. */
    static final long READY_TIMEOUT_MS = 180_000;
    /**
     * After an interrupt, how long the generators are given to stop their load and hand over their logs: Gatling
     * stops at the next virtual user's arrival and writes its simulation.log out whole.
     */
    static final long STOP_GRACE_MS = 10_000;

    private final GeneratorFleet fleet;
    private final int generators;
    private final long resolutionMs;
    private final Undo undo;
    /** When every generator had started injecting, on this host's clock: the earliest of them; -1 before. */
    private long injectionSeen = -1;

    public FleetRunner(GeneratorFleet fleet, int generators, long resolutionMs, Undo undo) {
        if (generators < 1) {
            throw ZerodropException.usage("the number of load generators is " + generators + "; expected at least 1");
        }
        this.fleet = fleet;
        this.generators = generators;
        this.resolutionMs = resolutionMs;
        this.undo = undo;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>(fleet.describe());
        d.put("from", "cluster");
        d.put("generatorCount", generators);
        d.put("serviceUrl", fleet.serviceUrl());
        d.put("clockResolutionMs", resolutionMs);
        return d;
    }

    @Override
    public LoadResult run(TrafficPlan plan, TrafficListener listener) {
        double each = plan.rate() / generators;
        List<FleetGenerator> gens = launch(plan, each);
        // SIGINT/SIGTERM: the signal's undos (the fleet's among them, registered before this) must not stop the
        // generators before this thread has asked them to stop their load and taken their logs; registered last, this
        // undo runs first and waits for that, at most STOP_GRACE_MS and a little
        CountDownLatch handedOver = new CountDownLatch(1);
        Undo.Registration collect = undo.register("collect the load generators' logs", () ->
                handedOver.await(STOP_GRACE_MS + 5_000, TimeUnit.MILLISECONDS));
        boolean interrupted;
        try {
            for (FleetGenerator g : gens) {
                g.before = g.measureClock();
            }
            for (FleetGenerator g : gens) {
                g.expectOk(Command.START.word());
            }
            startTogether(gens, plan);
            long started = System.currentTimeMillis();
            interrupted = follow(gens, plan, listener, started);
            for (FleetGenerator g : gens) {
                g.after = g.died != null ? g.before : interrupted ? g.clockAfterStop() : g.measureClock();
            }
        } finally {
            for (FleetGenerator g : gens) {
                g.closeReader();
            }
            handedOver.countDown();
            collect.undoNow();
        }
        finish(gens);
        List<GeneratorLog> logs = new ArrayList<>();
        List<GeneratorRow> table = new ArrayList<>();
        List<Path> clientLogs = new ArrayList<>();
        for (FleetGenerator g : gens) {
            long[] off = ClockEstimate.acrossRun(g.before, g.after);
            GeneratorLog log = new GeneratorLog(g.ch.name(), g.log, off[0], off[1]);
            boolean wrote = Files.exists(g.log);
            if (wrote) { // else stopped or died before it wrote anything
                logs.add(g.died != null || interrupted && !g.complete() ? log.cutShort() : log);
            }
            Path client = g.dir.resolve("requests.client.log");
            if (correctClientLog(g.clientPart, client, off[0])) {
                clientLogs.add(client);
            }
            table.add(row(g, off, each, wrote, firstInjection(gens)));
        }
        List<String> lost = gens.stream().filter(g -> g.died != null).map(g -> g.ch.name() + " (" + g.ch.where()
                + "): " + firstLine(g.died)).toList();
        LoadResult result = new LoadResult(logs, table, injectionSeen >= 0 ? injectionSeen : firstInjection(gens),
                clientLogs, Optional.empty(), lost);
        if (interrupted) {
            throw new LoadInterrupted(logs.isEmpty() ? null : result);
        }
        GeneratorLog.requireResolution(logs, resolutionMs);
        return result;
    }

    /**
     * Loading the simulation takes each generator its own time: once all are ready, one moment for all, on this
     * host's clock, told to each on its own, just far enough ahead for the telling to reach them all.
     */
    private void startTogether(List<FleetGenerator> gens, TrafficPlan plan) {
        awaitReady(gens, plan);
        long roundTrip = gens.stream().mapToLong(g -> 2 * g.before.uncertaintyMs() + 1).max().orElse(1);
        long startAt = System.currentTimeMillis() + Math.min(10_000, GO_LEAD_MS + 3 * roundTrip * gens.size());
        for (FleetGenerator g : gens) {
            g.expectOk(GeneratorProtocol.go(startAt + g.before.offsetMs()));
        }
    }

    /** Launches the generators, each with its share of the rate, and gives each a directory of its own. */
    private List<FleetGenerator> launch(TrafficPlan plan, double each) {
        Path work = plan.resultsDir();
        Map<String, String> props = new LinkedHashMap<>(plan.properties());
        props.put("zerodrop.baseUrl", fleet.serviceUrl());
        props.put("zerodrop.rate", String.format(Locale.ROOT, "%.3f", each));
        FleetLaunch launch = new FleetLaunch(plan.simulationClass(), props, generators, plan.requestTimeoutMs(),
                plan.connectTimeoutMs(), plan.heapMb(), plan.extraClasspath(), work.resolveSibling("generators"),
                plan.hardTimeoutMs());
        List<FleetGenerator> gens = new ArrayList<>();
        for (GeneratorChannel ch : fleet.launch(launch)) {
            Path dir = work.resolve(ch.name());
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw ZerodropException.environment("cannot create " + dir + ": " + e.getMessage());
            }
            gens.add(new FleetGenerator(ch, dir));
        }
        return gens;
    }

    /** Tells every generator still alive that its logs were taken: it may exit. */
    private static void finish(List<FleetGenerator> gens) {
        for (FleetGenerator g : gens) {
            if (g.died != null) {
                continue;
            }
            try {
                g.ch.call(Command.FINISH.word());
            } catch (RuntimeException e) {
                // it has given everything; the fleet's undo stops it either way
            }
        }
    }

    /** One generator's line of the report's generator table: where it ran, its share, its clock, its log. */
    private static GeneratorRow row(FleetGenerator g, long[] off, double each, boolean wrote, long firstInjection) {
        boolean injected = g.injectionGenMs > 0;
        return GeneratorRow.ran(g.ch.name(), g.ch.where(), each, off[0], off[1], describe(g.before), describe(g.after),
                injected ? hostInjection(g) : null, injected ? hostInjection(g) - firstInjection : null,
                wrote ? g.log.toString() : null, g.died);
    }

    /** When the first generator began injecting, on this host's clock (each corrected by its offset before). */
    private static long firstInjection(List<FleetGenerator> gens) {
        return gens.stream().filter(g -> g.injectionGenMs > 0).mapToLong(FleetRunner::hostInjection).min().orElse(-1);
    }

    /**
     * When a generator began injecting, on this host's clock: by the offset measured before the load, the reading
     * closest to it (the schedule's origin is taken the same way).
     */
    private static long hostInjection(FleetGenerator g) {
        return g.injectionGenMs - g.before.offsetMs();
    }

    private static String describe(ClockEstimate c) {
        return String.format(Locale.ROOT, "%+d ms ± %d (%d readings%s)", c.offsetMs(), c.uncertaintyMs(), c.readings(),
                c.consistent() ? "" : ", inconsistent: the clock stepped");
    }

    /**
     * Follows the generators until all have ended and handed over their logs. Interrupted, it asks each to stop its
     * load and follows on, for at most {@link #STOP_GRACE_MS}, so that what they measured is kept: true then.
     */
    private boolean follow(List<FleetGenerator> gens, TrafficPlan plan, TrafficListener listener, long started) {
        long deadline = started + plan.hardTimeoutMs();
        long totalMs = (plan.rampSeconds() + plan.durationSeconds()) * 1000L;
        long[] counts = new long[3];
        Progress.RateWindow window = new Progress.RateWindow();
        long lastReport = 0;
        long stopDeadline = -1;
        while (true) {
            if (stopDeadline < 0 && (undo.isInterrupted() || Thread.currentThread().isInterrupted())) {
                stopDeadline = System.currentTimeMillis() + STOP_GRACE_MS;
                askToStop(gens);
            }
            if (stopDeadline >= 0 && System.currentTimeMillis() > stopDeadline) {
                return true;
            }
            boolean allComplete = true;
            for (FleetGenerator g : gens) {
                if (g.died != null) {
                    continue;
                }
                try {
                    g.status();
                    g.fetch(counts, window);
                } catch (RuntimeException e) {
                    if (stopDeadline >= 0) {
                        return true; // stopped under our feet: keep what came
                    }
                    lose(g, gens, e.getMessage(), listener);
                    continue;
                }
                if (g.state == GeneratorProtocol.State.FAILED && stopDeadline < 0) {
                    // fetch has taken all it wrote before its Gatling failed
                    lose(g, gens, "load generator " + g.ch.name() + " (" + g.ch.where() + ") failed with exit code "
                            + g.exit + "; its last words:\n" + g.tail(), listener);
                    continue;
                }
                allComplete &= g.complete();
            }
            noticeInjection(gens, listener);
            if (allComplete) {
                return stopDeadline >= 0;
            }
            long now = System.currentTimeMillis();
            if (now > deadline) {
                throw ZerodropException.environment("the load generators did not finish within " + plan.hardTimeoutMs()
                        + " ms (ramp + duration + request timeout + 60 s): " + gens.stream().map(g -> g.ch.name() + " "
                        + g.state.word()).toList());
            }
            if (now - lastReport >= 1000 && injectionSeen > 0 && now >= injectionSeen) {
                long elapsed = now - injectionSeen;
                listener.progress(new Progress(elapsed, Math.max(0, totalMs - elapsed), counts[0], counts[1],
                        counts[2], window.rate()));
                lastReport = now;
            }
            // two calls per generator each round, through the API server on a cluster: pace them by the fleet's size
            Sleep.forMs(injectionSeen < 0 ? pollMs(gens.size(), 25, 500) : pollMs(gens.size(), 125,
                    1000));
        }
    }
    /** {@code perGenerator} ms for each generator, within [20, {@code cap}] ms: a fleet's calls per second bounded. */
    static long pollMs(int generators, long perGenerator, long cap) {
        return Math.max(20, Math.min(cap, perGenerator * generators));
    }

    /** Asks every generator to stop its load; what each wrote so far is fetched afterwards, if it still answers. */
    private static void askToStop(List<FleetGenerator> gens) {
        for (FleetGenerator g : gens) {
            try {
                g.ch.call(Command.STOP.word());
            } catch (RuntimeException gone) {
                // what it wrote so far is fetched below, if it still answers
            }
        }
    }

    /** Once every living generator has started its injection: the earliest start, on this host's clock, is told. */
    private void noticeInjection(List<FleetGenerator> gens, TrafficListener listener) {
        if (injectionSeen < 0 && gens.stream().filter(g -> g.died == null).allMatch(g -> g.injectionGenMs > 0)) {
            long first = firstInjection(gens);
            injectionSeen = first;
            listener.injectionStarted(first);
        }
    }

    /** Waits until every generator has loaded the simulation and waits for the moment; fails on one that failed. */
    private void awaitReady(List<FleetGenerator> gens, TrafficPlan plan) {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (true) {
            if (undo.isInterrupted() || Thread.currentThread().isInterrupted()) {
                throw new ZerodropException(ExitCodes.INTERRUPTED, "interrupted while the load generators loaded"
                        + " the simulation");
            }
            boolean all = true;
            for (FleetGenerator g : gens) {
                g.status();
                if (g.ended()) {
                    throw ZerodropException.environment("load generator " + g.ch.name() + " (" + g.ch.where()
                            + ") ended (" + g.state.word() + ", exit code " + g.exit + ") before the load began; its last"
                            + " words:\n" + g.tail());
                }
                all &= g.state == GeneratorProtocol.State.READY;
            }
            if (all) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw ZerodropException.environment("the load generators were not all ready within "
                        + READY_TIMEOUT_MS / 1000 + " s: " + gens.stream().map(g -> g.ch.name() + " " + g.state.word())
                        .toList());
            }
            Sleep.forMs(pollMs(gens.size(), 25, 500));
        }
    }

    /**
     * {@code g} died during the load: said at once, left behind (its clock after the load is the one before), and
     * the load fails only when no generator is left.
     */
    private static void lose(FleetGenerator g, List<FleetGenerator> gens, String why, TrafficListener listener) {
        g.died = why + g.ch.postMortem();
        g.closeReader();
        g.reader = null;
        if (gens.stream().allMatch(x -> x.died != null)) {
            throw ZerodropException.environment("every load generator died during the load: " + String.join("; ",
                    gens.stream().map(x -> x.died).toList()));
        }
        listener.generatorLost(g.ch.name(), g.died);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * The client log on this host's clock: every start and end minus the generator's offset (the header kept). False
     * when the generator wrote none.
     */
    static boolean correctClientLog(Path raw, Path corrected, long offsetMs) {
        if (!Files.exists(raw)) {
            return false;
        }
        try (BufferedReader r = Files.newBufferedReader(raw, StandardCharsets.US_ASCII);
                BufferedWriter w = Files.newBufferedWriter(corrected, StandardCharsets.US_ASCII)) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(" ");
                if (line.startsWith("#") || f.length < 4 || f.length > 5) {
                    w.write(line);
                } else {
                    w.write(f[0] + " " + (Long.parseLong(f[1]) - offsetMs) + " " + (Long.parseLong(f[2]) - offsetMs)
                            + " " + f[3] + (f.length == 5 ? " " + f[4] : ""));
                }
                w.write('\n');
            }
        } catch (IOException | NumberFormatException e) {
            throw ZerodropException.environment("cannot correct the client log " + raw + ": " + e.getMessage());
        }
        try {
            Files.delete(raw);
        } catch (IOException e) {
            // the corrected copy is what counts
        }
        return true;
    }
}
