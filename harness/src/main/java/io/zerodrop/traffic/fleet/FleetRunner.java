package io.zerodrop.traffic.fleet;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.gatling.GeneratorLog;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.gatling.SimulationLogReader;
import io.zerodrop.traffic.LoadGenerators;
import io.zerodrop.traffic.LoadInterrupted;
import io.zerodrop.traffic.LoadResult;
import io.zerodrop.traffic.Progress;
import io.zerodrop.traffic.TrafficListener;
import io.zerodrop.traffic.TrafficPlan;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
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
    /** Clock readings per measurement; the fastest round trips bound the offset. */
    static final int CLOCK_READINGS = 8;
    private static final int CHUNK = 1 << 20;
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

    /** One generator as this run follows it. */
    private static final class Gen {
        final GeneratorChannel ch;
        final Path dir;
        final Path log;
        final Path clientPart;
        long logAt;
        long clientAt;
        String state = "waiting";
        long injectionGenMs = -1;
        /** simulation.log's size at the last status (final once ended). */
        long logNow;
        /** The client log's size, known once ended. */
        long clientSize = -1;
        int exit = -1;
        ClockEstimate before;
        ClockEstimate after;
        SimulationLogReader reader;
        /** Why it died during the load; null while it lives. */
        String died;

        Gen(GeneratorChannel ch, Path dir) {
            this.ch = ch;
            this.dir = dir;
            this.log = dir.resolve("simulation.log");
            this.clientPart = dir.resolve("requests.client.log.part");
        }

        boolean ended() {
            return state.equals("done") || state.equals("failed");
        }

        boolean complete() {
            return ended() && logAt >= logNow && clientAt >= clientSize;
        }
    }

    @Override
    public LoadResult run(TrafficPlan plan, TrafficListener listener) {
        Path work = plan.resultsDir();
        Map<String, String> props = new LinkedHashMap<>(plan.properties());
        props.put("zerodrop.baseUrl", fleet.serviceUrl());
        double each = plan.rate() / generators;
        props.put("zerodrop.rate", String.format(Locale.ROOT, "%.3f", each));
        FleetLaunch launch = new FleetLaunch(plan.simulationClass(), props, generators, plan.requestTimeoutMs(),
                plan.connectTimeoutMs(), plan.heapMb(), plan.extraClasspath(), work.resolveSibling("generators"),
                plan.hardTimeoutMs());
        List<Gen> gens = new ArrayList<>();
        for (GeneratorChannel ch : fleet.launch(launch)) {
            Path dir = work.resolve(ch.name());
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw ZerodropException.environment("cannot create " + dir + ": " + e.getMessage());
            }
            gens.add(new Gen(ch, dir));
        }
        // SIGINT/SIGTERM: the signal's undos (the fleet's among them, registered before this) must not stop the
        // generators before this thread has asked them to stop their load and taken their logs; registered last, this
        // undo runs first and waits for that, at most STOP_GRACE_MS and a little
        CountDownLatch handedOver = new CountDownLatch(1);
        Undo.Registration collect = undo.register("collect the load generators' logs", () ->
                handedOver.await(STOP_GRACE_MS + 5_000, TimeUnit.MILLISECONDS));
        boolean interrupted;
        try {
            for (Gen g : gens) {
                g.before = measureClock(g.ch);
            }
            for (Gen g : gens) {
                expectOk(g.ch, "start");
            }
            // loading the simulation takes each generator its own time: once all are ready, one moment for all, on
            // this host's clock, told to each on its own, just far enough ahead for the telling to reach them all
            awaitReady(gens, plan);
            long roundTrip = gens.stream().mapToLong(g -> 2 * g.before.uncertaintyMs() + 1).max().orElse(1);
            long startAt = System.currentTimeMillis() + Math.min(10_000, GO_LEAD_MS + 3 * roundTrip * gens.size());
            for (Gen g : gens) {
                expectOk(g.ch, "go " + (startAt + g.before.offsetMs()));
            }
            long started = System.currentTimeMillis();
            interrupted = follow(gens, plan, listener, started);
            for (Gen g : gens) {
                g.after = g.died != null ? g.before : interrupted ? clockAfterStop(g) : measureClock(g.ch);
            }
        } finally {
            for (Gen g : gens) {
                closeReader(g);
            }
            handedOver.countDown();
            collect.undoNow();
        }
        for (Gen g : gens) {
            if (g.died != null) {
                continue;
            }
            try {
                g.ch.call("finish");
            } catch (RuntimeException e) {
                // it has given everything; the fleet's undo stops it either way
            }
        }
        List<GeneratorLog> logs = new ArrayList<>();
        List<Map<String, Object>> table = new ArrayList<>();
        List<Path> clientLogs = new ArrayList<>();
        for (Gen g : gens) {
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
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", g.ch.name());
            row.put("where", g.ch.where());
            row.put("askedRate", each);
            row.put("clockOffsetMs", off[0]);
            row.put("clockUncertaintyMs", off[1]);
            row.put("clockBefore", describe(g.before));
            row.put("clockAfter", describe(g.after));
            if (g.injectionGenMs > 0) {
                row.put("injectionStartedMs", hostInjection(g));
                row.put("injectionLateMs", hostInjection(g) - firstInjection(gens));
            }
            if (wrote) {
                row.put("simulationLog", g.log.toString());
            }
            if (g.died != null) {
                row.put("died", g.died);
            }
            table.add(row);
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

    /** After an interrupt: the generator's clock again if it still answers, else the reading before the load. */
    private static ClockEstimate clockAfterStop(Gen g) {
        if (!g.complete()) {
            return g.before;
        }
        try {
            return measureClock(g.ch);
        } catch (RuntimeException gone) {
            return g.before;
        }
    }

    /** When the first generator began injecting, on this host's clock (each corrected by its offset before). */
    private static long firstInjection(List<Gen> gens) {
        return gens.stream().filter(g -> g.injectionGenMs > 0).mapToLong(FleetRunner::hostInjection).min().orElse(-1);
    }

    /**
     * When a generator began injecting, on this host's clock: by the offset measured before the load, the reading
     * closest to it (the schedule's origin is taken the same way).
     */
    private static long hostInjection(Gen g) {
        return g.injectionGenMs - g.before.offsetMs();
    }

    private static String describe(ClockEstimate c) {
        return String.format(Locale.ROOT, "%+d ms ± %d (%d readings%s)", c.offsetMs(), c.uncertaintyMs(), c.readings(),
                c.consistent() ? "" : ", inconsistent: the clock stepped");
    }

    /** {@link #CLOCK_READINGS} readings of the generator's clock, each between two of this host's. */
    static ClockEstimate measureClock(GeneratorChannel ch) {
        List<ClockEstimate.Reading> readings = new ArrayList<>();
        for (int i = 0; i < CLOCK_READINGS; i++) {
            long before = System.currentTimeMillis();
            String a = ch.call("clock");
            long after = System.currentTimeMillis();
            String[] f = a.split(" ");
            if (f.length != 2 || !f[0].equals("clock")) {
                throw ZerodropException.environment("load generator " + ch.name() + " answered \"" + a + "\" to"
                        + " clock");
            }
            readings.add(new ClockEstimate.Reading(before, Long.parseLong(f[1]), after));
        }
        return ClockEstimate.of(readings);
    }

    private static void expectOk(GeneratorChannel ch, String command) {
        String a = ch.call(command);
        if (!a.equals("ok")) {
            throw ZerodropException.environment("load generator " + ch.name() + " answered \"" + a + "\" to "
                    + command);
        }
    }

    /**
     * Follows the generators until all have ended and handed over their logs. Interrupted, it asks each to stop its
     * load and follows on, for at most {@link #STOP_GRACE_MS}, so that what they measured is kept: true then.
     */
    private boolean follow(List<Gen> gens, TrafficPlan plan, TrafficListener listener, long started) {
        long deadline = started + plan.hardTimeoutMs();
        long totalMs = (plan.rampSeconds() + plan.durationSeconds()) * 1000L;
        long[] counts = new long[3];
        Progress.RateWindow window = new Progress.RateWindow();
        long lastReport = 0;
        long stopDeadline = -1;
        while (true) {
            if (stopDeadline < 0 && (undo.isInterrupted() || Thread.currentThread().isInterrupted())) {
                stopDeadline = System.currentTimeMillis() + STOP_GRACE_MS;
                for (Gen g : gens) {
                    try {
                        g.ch.call("stop");
                    } catch (RuntimeException gone) {
                        // what it wrote so far is fetched below, if it still answers
                    }
                }
            }
            if (stopDeadline >= 0 && System.currentTimeMillis() > stopDeadline) {
                return true;
            }
            boolean allComplete = true;
            for (Gen g : gens) {
                if (g.died != null) {
                    continue;
                }
                try {
                    status(g);
                    fetch(g, counts, window);
                } catch (RuntimeException e) {
                    if (stopDeadline >= 0) {
                        return true; // stopped under our feet: keep what came
                    }
                    lose(g, gens, e.getMessage(), listener);
                    continue;
                }
                if (g.state.equals("failed") && stopDeadline < 0) {
                    // fetch has taken all it wrote before its Gatling failed
                    lose(g, gens, "load generator " + g.ch.name() + " (" + g.ch.where() + ") failed with exit code "
                            + g.exit + "; its last words:\n" + tail(g.ch), listener);
                    continue;
                }
                allComplete &= g.complete();
            }
            if (injectionSeen < 0 && gens.stream().filter(g -> g.died == null).allMatch(g -> g.injectionGenMs > 0)) {
                long first = firstInjection(gens);
                injectionSeen = first;
                listener.injectionStarted(first);
            }
            if (allComplete) {
                return stopDeadline >= 0;
            }
            long now = System.currentTimeMillis();
            if (now > deadline) {
                throw ZerodropException.environment("the load generators did not finish within " + plan.hardTimeoutMs()
                        + " ms (ramp + duration + request timeout + 60 s): " + gens.stream().map(g -> g.ch.name() + " "
                        + g.state).toList());
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

    /**
     * {@code g} died during the load: said at once, left behind (its clock after the load is the one before), and
     * the load fails only when no generator is left.
     */
    private static void lose(Gen g, List<Gen> gens, String why, TrafficListener listener) {
        g.died = why + g.ch.postMortem();
        closeReader(g);
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

    /** Waits until every generator has loaded the simulation and waits for the moment; fails on one that failed. */
    private void awaitReady(List<Gen> gens, TrafficPlan plan) {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (true) {
            if (undo.isInterrupted() || Thread.currentThread().isInterrupted()) {
                throw new ZerodropException(ExitCodes.INTERRUPTED, "interrupted while the load generators loaded"
                        + " the simulation");
            }
            boolean all = true;
            for (Gen g : gens) {
                status(g);
                if (g.ended()) {
                    throw ZerodropException.environment("load generator " + g.ch.name() + " (" + g.ch.where()
                            + ") ended (" + g.state + ", exit code " + g.exit + ") before the load began; its last"
                            + " words:\n" + tail(g.ch));
                }
                all &= g.state.equals("ready");
            }
            if (all) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw ZerodropException.environment("the load generators were not all ready within "
                        + READY_TIMEOUT_MS / 1000 + " s: " + gens.stream().map(g -> g.ch.name() + " " + g.state)
                        .toList());
            }
            Sleep.forMs(pollMs(gens.size(), 25, 500));
        }
    }

    /** {@code perGenerator} ms for each generator, within [20, {@code cap}] ms: a fleet's calls per second bounded. */
    static long pollMs(int generators, long perGenerator, long cap) {
        return Math.max(20, Math.min(cap, perGenerator * generators));
    }

    private static void status(Gen g) {
        String a = g.ch.call("status");
        String[] f = a.split(" ");
        if (f.length != 6 || !f[0].equals("status")) {
            throw ZerodropException.environment("load generator " + g.ch.name() + " answered \"" + a + "\" to status");
        }
        g.state = f[1];
        g.injectionGenMs = Long.parseLong(f[2]);
        g.logNow = Long.parseLong(f[3]);
        if (g.ended()) {
            g.clientSize = Long.parseLong(f[4]);
            g.exit = Integer.parseInt(f[5]);
        }
    }

    /** Appends what the generator wrote since the last call; counts the new requests for the progress line. */
    private static void fetch(Gen g, long[] counts, Progress.RateWindow window) {
        if (g.logNow > g.logAt) { // ask only for what the last status said is there
            g.logAt += append(g.ch, "log", g.logAt, g.log);
        }
        if (g.reader == null && g.logAt > 0) {
            try {
                g.reader = SimulationLogReader.open(g.log);
            } catch (IOException e) {
                throw ZerodropException.environment("cannot read " + g.log + ": " + e.getMessage());
            }
        }
        if (g.reader != null) {
            long offset = g.before.offsetMs();
            try {
                g.reader.poll(new SimulationLogReader.Visitor() {
                    @Override
                    public void request(RequestRecord r) {
                        counts[0]++;
                        counts[r.ok() ? 1 : 2]++;
                        window.add(r.startMs() - offset);
                    }
                });
            } catch (IOException e) {
                throw ZerodropException.environment("cannot read " + g.log + " while it arrives: " + e.getMessage());
            }
        }
        if (g.ended()) {
            while (g.logAt < g.logNow) {
                long n = append(g.ch, "log", g.logAt, g.log);
                if (n == 0) {
                    throw ZerodropException.environment("load generator " + g.ch.name() + " said its simulation.log"
                            + " has " + g.logNow + " bytes but gave only " + g.logAt);
                }
                g.logAt += n;
            }
            while (g.clientAt < g.clientSize) {
                long n = append(g.ch, "clientlog", g.clientAt, g.clientPart);
                if (n == 0) {
                    throw ZerodropException.environment("load generator " + g.ch.name() + " said its client log has "
                            + g.clientSize + " bytes but gave only " + g.clientAt);
                }
                g.clientAt += n;
            }
        }
    }

    /** Fetches one chunk from {@code from} and appends it to {@code file}; the number of bytes. */
    private static long append(GeneratorChannel ch, String what, long from, Path file) {
        byte[] bytes = data(ch, what + " " + from + " " + CHUNK, from);
        if (bytes.length == 0) {
            return 0;
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write(bytes);
        } catch (IOException e) {
            throw ZerodropException.environment("cannot write " + file + ": " + e.getMessage());
        }
        return bytes.length;
    }

    private static String cut(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** Sends {@code command} and decodes its answer {@code data <from> <base64>}: the bytes (none at the end). */
    private static byte[] data(GeneratorChannel ch, String command, long from) {
        String a = ch.call(command);
        String[] f = a.strip().split(" ", 3);
        if (f.length < 2 || !f[0].equals("data") || !f[1].equals(String.valueOf(from))) {
            throw ZerodropException.environment("load generator " + ch.name() + " answered \"" + cut(a) + "\" to "
                    + command);
        }
        return f.length < 3 ? new byte[0] : Base64.getDecoder().decode(f[2].strip());
    }

    private static String tail(GeneratorChannel ch) {
        try {
            return new String(data(ch, "tail", 0), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }

    private static void closeReader(Gen g) {
        if (g.reader != null) {
            try {
                g.reader.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
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
