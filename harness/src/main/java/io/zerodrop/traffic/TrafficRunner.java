package io.zerodrop.traffic;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.FileLimits;
import io.zerodrop.core.JvmTemp;
import io.zerodrop.core.ProcessTrees;
import io.zerodrop.core.RunMarker;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.gatling.SimulationLogReader;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a Gatling simulation in a forked JVM (Gatling stops Logback and wants unsupported entry points when run
 * in-process), follows its simulation.log for live progress, enforces a hard timeout, and is killed by the undo
 * registry on abort. The fork's stdout (Gatling's console summary) and stderr go to files in the results dir.
 */
public final class TrafficRunner {
    static final String GATLING_MAIN = "io.gatling.app.Gatling";

    private final Undo undo;

    public TrafficRunner(Undo undo) {
        this.undo = undo;
    }

    public TrafficRun run(TrafficPlan plan, Consumer<Progress> progress) {
        return run(plan, TrafficListener.ofProgress(progress));
    }

    /**
     * Runs the simulation into {@code plan.resultsDir()}, which must not hold an earlier run: the log read is the one
     * this run wrote, never an older one found beside it.
     */
    public TrafficRun run(TrafficPlan plan, TrafficListener listener) {
        freshResultsDir(plan);
        Path console = plan.resultsDir().resolve("gatling-console.log");
        Path errors = plan.resultsDir().resolve("gatling-stderr.log");
        FileLimits.Plan limits = FileLimits.forChild(FileLimits
                .neededFor(plan.rate(), plan.requestTimeoutMs() + plan.connectTimeoutMs()));
        if (limits.note() != null) {
            System.err.println("zerodrop: " + limits.note());
        }
        List<String> cmd = command(plan, List.of("--simulation", plan.simulationClass(),
                "--results-folder", plan.resultsDir().toString(), "--no-reports"), limits.prefix());
        AtomicReference<Process> fork = new AtomicReference<>();
        Path tmp = JvmTemp.create(tmpDir(plan));
        Undo.Registration kill = undo.register("stop the Gatling JVM", () -> {
            stopGracefully(fork.get(), stopFile(plan));
            destroyTree(fork.get());
            Files.deleteIfExists(stopFile(plan));
            JvmTemp.delete(tmp);
        });
        long started = System.currentTimeMillis();
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(console.toFile()).redirectError(errors.toFile());
            RunMarker.tag(pb.environment());
            fork.set(pb.start());
        } catch (IOException e) {
            kill.undoNow();
            throw ZerodropException.environment("cannot start the Gatling JVM (" + cmd.get(0) + "): " + e);
        }
        Process p = fork.get();
        AtomicLong seen = new AtomicLong(-1);
        Path log = follow(plan, p, started, console, seen, listener);
        int exit;
        try {
            exit = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill.undoNow();
            throw interrupted(plan, started, console, seen.get());
        }
        kill.undoNow();
        long ended = System.currentTimeMillis();
        if (undo.isInterrupted()) {
            throw interrupted(plan, started, console, seen.get());
        }
        if (exit != 0 || log == null) {
            throw ZerodropException.environment("Gatling exited with code " + exit
                    + (log == null ? " without writing a simulation.log" : "") + "; its last words:\n"
                    + tail(errors, 15) + tail(console, 10));
        }
        Optional<Path> report = plan.gatlingReport() ? gatlingReport(plan, log.getParent()) : Optional.empty();
        return new TrafficRun(log, log.getParent(), exit, started, ended, report, console, seen.get());
    }

    /** Creates the results directory; one that holds an earlier run's results is a bug of the caller's. */
    private static void freshResultsDir(TrafficPlan plan) {
        try {
            Files.createDirectories(plan.resultsDir());
            try (Stream<Path> old = Files.list(plan.resultsDir())) {
                List<Path> found = old.filter(Files::isDirectory).toList();
                if (!found.isEmpty()) {
                    throw new ZerodropException(ExitCodes.INTERNAL, "zerodrop bug: the results"
                            + " directory " + plan.resultsDir() + " already holds " + found + "; a run must start in a"
                            + " directory of its own");
                }
            }
        } catch (IOException e) {
            throw ZerodropException.environment("cannot create the results directory " + plan.resultsDir() + ": " + e);
        }
    }

    /** What was written before an interrupt stopped Gatling, for the report to keep (the log may end mid-record). */
    private static Interrupted interrupted(TrafficPlan plan, long started, Path console, long injectionSeenMs) {
        Path log = null;
        try {
            log = findLog(plan.resultsDir());
        } catch (IOException e) {
            // nothing to keep
        }
        return new Interrupted(log == null ? null : new TrafficRun(log, log.getParent(), -1, started,
                System.currentTimeMillis(), Optional.empty(), console, injectionSeenMs));
    }

    /** SIGINT or SIGTERM stopped the load; {@link #partial} is what Gatling had written, null when nothing. */
    public static final class Interrupted extends ZerodropException {
        private static final long serialVersionUID = 1L;
        private final transient TrafficRun partial;

        Interrupted(TrafficRun partial) {
            super(ExitCodes.INTERRUPTED, "interrupted while the load ran");
            this.partial = partial;
        }

        public TrafficRun partial() {
            return partial;
        }
    }

    /** Gatling prints this on its console right before injection begins (3.x, checked on 3.15.1). */
    static boolean isInjectionStartLine(String line) {
        return line.startsWith("Simulation ") && line.endsWith(" started...");
    }

    private Path follow(TrafficPlan plan, Process p, long started, Path console, AtomicLong
            injectionSeen, TrafficListener listener) {
        long deadline = started + plan.hardTimeoutMs();
        long totalMs = (plan.rampSeconds() + plan.durationSeconds()) * 1000L;
        Path log = null;
        SimulationLogReader reader = null;
        long[] counts = new long[3];
        Progress.RateWindow window = new Progress.RateWindow();
        long lastReport = 0;
        long consoleRead = 0;
        try {
            while (p.isAlive()) {
                if (injectionSeen.get() < 0) {
                    consoleRead = scanConsole(console, consoleRead, injectionSeen, listener);
                }
                if (System.currentTimeMillis() > deadline) {
                    destroyTree(p);
                    throw ZerodropException.environment("Gatling did not finish within " + plan.hardTimeoutMs()
                            + " ms (ramp + duration + request timeout + 60 s); it was stopped");
                }
                if (log == null) {
                    log = findLog(plan.resultsDir());
                    if (log != null) {
                        reader = SimulationLogReader.open(log);
                    }
                } else {
                    count(reader, counts, window);
                }
                long now = System.currentTimeMillis();
                if (now - lastReport >= 1000 && reader != null && reader.header() != null) {
                    long elapsed = now - (injectionSeen.get() > 0 ? injectionSeen.get() : reader.header().runStartMs());
                    listener.progress(new Progress(elapsed, Math.max(0, totalMs - elapsed), counts[0], counts[1],
                            counts[2], window.rate()));
                    lastReport = now;
                }
                // until injection starts the schedule waits on this loop: look often, then at a relaxed pace
                p.waitFor(injectionSeen.get() < 0 ? 10 : 250, TimeUnit.MILLISECONDS);
            }
            return log != null ? log : findLog(plan.resultsDir());
        } catch (IOException e) {
            throw ZerodropException.environment("cannot read Gatling's simulation.log while it runs: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroyTree(p);
            throw interrupted(plan, started, console, injectionSeen.get());
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        }
    }

    /** Reads what Gatling appended since the last poll: requests, OK and failed counted, starts into the window. */
    private static void count(SimulationLogReader reader, long[] counts, Progress.RateWindow window)
            throws IOException {
        reader.poll(new SimulationLogReader.Visitor() {
            @Override
            public void request(RequestRecord r) {
                counts[r.ok() ? 1 : 2]++;
                counts[0]++;
                window.add(r.startMs());
            }
        });
    }

    private Optional<Path> gatlingReport(TrafficPlan plan, Path runDir) {
        List<String> cmd = command(plan, List.of("--reports-only", runDir.getFileName().toString(),
                "--results-folder", plan.resultsDir().toString()));
        AtomicReference<Process> fork = new AtomicReference<>();
        Path tmp = JvmTemp.create(tmpDir(plan));
        Undo.Registration kill = undo.register("stop the Gatling report JVM", () -> {
            destroyTree(fork.get());
            JvmTemp.delete(tmp);
        });
        try {
            Path out = plan.resultsDir().resolve("gatling-report.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            RunMarker.tag(pb.environment());
            fork.set(pb.start());
            if (!fork.get().waitFor(120, TimeUnit.SECONDS) || fork.get().exitValue() != 0) {
                System.err.println("zerodrop: the Gatling HTML report could not be generated; see " + out);
                return Optional.empty();
            }
            Path index = runDir.resolve("index.html");
            return Files.exists(index) ? Optional.of(index) : Optional.empty();
        } catch (IOException e) {
            System.err.println("zerodrop: the Gatling HTML report could not be generated: " + e);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            kill.undoNow();
        }
    }

    /** The Gatling JVM's own temporary directory, inside the results and removed once the JVM has stopped. */
    static Path tmpDir(TrafficPlan plan) {
        return plan.resultsDir().resolve("jvm-tmp");
    }

    /** The file whose appearance asks zerodrop's simulations to stop the load early (see gatling-sims StopSignal). */
    static Path stopFile(TrafficPlan plan) {
        return plan.resultsDir().resolve("stop");
    }

    static List<String> command(TrafficPlan plan, List<String> gatlingArgs) {
        return command(plan, gatlingArgs, List.of());
    }

    static List<String> command(TrafficPlan plan, List<String> gatlingArgs, List<String> limits) {
        Map<String, String> props = new LinkedHashMap<>(plan.properties());
        props.put("zerodrop.stopFile", stopFile(plan).toAbsolutePath().toString());
        List<String> launcher = new ArrayList<>(plan.launcher());
        launcher.addAll(limits);
        List<String> cmd = gatlingJvm(launcher, plan.heapMb(), plan.requestTimeoutMs(), plan.connectTimeoutMs(),
                props, plan.extraClasspath(), tmpDir(plan));
        cmd.add(GATLING_MAIN);
        cmd.addAll(gatlingArgs);
        return cmd;
    }

    /**
     * A JVM for Gatling on this host, up to its main class: started through {@code launcher}, this JVM's java, the
     * heap, the options Gatling needs, its timeouts, the simulation's properties, and a class path of the simulations
     * (extra entries first, then zerodrop's own).
     */
    public static List<String> gatlingJvm(List<String> launcher, int heapMb, long requestTimeoutMs,
            long connectTimeoutMs, Map<String, String> properties, List<Path> extraClasspath, Path tmpDir) {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JvmTemp.options(tmpDir));
        cmd.add("-Xms" + Math.min(256, heapMb) + "m");
        cmd.add("-Xmx" + heapMb + "m");
        cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        cmd.add("-Dgatling.data.enableAnalytics=false");
        cmd.add("-Dgatling.http.requestTimeout=" + requestTimeoutMs);
        cmd.add("-Dgatling.socket.connectTimeout=" + connectTimeoutMs);
        for (Map.Entry<String, String> e : properties.entrySet()) {
            cmd.add("-D" + e.getKey() + "=" + e.getValue());
        }
        StringBuilder cp = new StringBuilder();
        for (Path extra : extraClasspath) {
            cp.append(extra).append(File.pathSeparator);
        }
        cp.append(System.getProperty("java.class.path"));
        cmd.add("-cp");
        cmd.add(cp.toString());
        return cmd;
    }

    /** Reads the console from {@code offset}; returns the new offset (up to the last whole line). */
    private static long scanConsole(Path console, long offset, AtomicLong injectionSeen,
            TrafficListener listener) throws IOException {
        long seen = System.currentTimeMillis();
        byte[] bytes;
        try (SeekableByteChannel ch = Files.newByteChannel(console)) {
            long size = ch.size();
            if (size <= offset) {
                return offset;
            }
            ch.position(offset);
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // fill
            }
            bytes = Arrays.copyOf(buf.array(), buf.position());
        }
        int lineStart = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8).strip();
                lineStart = i + 1;
                if (isInjectionStartLine(line)) {
                    injectionSeen.set(seen);
                    listener.injectionStarted(seen);
                    return offset + lineStart;
                }
            }
        }
        return offset + lineStart;
    }

    private static Path findLog(Path resultsDir) throws IOException {
        try (Stream<Path> dirs = Files.list(resultsDir)) {
            return dirs.filter(Files::isDirectory).map(d -> d.resolve("simulation.log")).filter(Files::exists)
                    .findFirst().orElse(null);
        }
    }

    /**
     * Asks a Gatling JVM that still runs to stop as Gatling stops itself (writing its simulation.log out whole), and
     * waits for it up to {@value #GRACEFUL_STOP_MS} ms: the next virtual user to arrive sees the request.
     */
    static void stopGracefully(Process p, Path stopFile) {
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            Files.writeString(stopFile, "stop\n");
            p.waitFor(GRACEFUL_STOP_MS, TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            // killed below, its buffered log lost
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final long GRACEFUL_STOP_MS = 5_000;

    static void destroyTree(Process p) {
        ProcessTrees.kill(p);
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return "";
        }
    }
}
