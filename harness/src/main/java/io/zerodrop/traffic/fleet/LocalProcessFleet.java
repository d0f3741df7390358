package io.zerodrop.traffic.fleet;

import com.sun.management.OperatingSystemMXBean;
import io.zerodrop.core.FileLimits;
import io.zerodrop.core.JvmTemp;
import io.zerodrop.core.ProcessTrees;
import io.zerodrop.core.RunMarker;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.sims.GeneratorProtocol;
import io.zerodrop.sims.GeneratorProtocol.Command;
import io.zerodrop.traffic.TrafficRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The local runtime playing the Job: N generator processes on this host (started through {@code launcher}, e.g. into
 * the local Service's network namespace), each driven on its stdin/stdout. A generator whose stdin closes exits at
 * once, so a zerodrop killed with -9 leaves none behind; each process's kill is registered before it starts.
 */
public final class LocalProcessFleet implements GeneratorFleet {
    static final String GENERATOR_MAIN = "io.zerodrop.sims.Generator";

    private final String serviceUrl;
    private final List<String> launcher;
    private final Undo undo;
    private final List<Long> skewsMs;

    /**
     * @param skewsMs per generator, how far ahead its clock is made to run (its records and its clock readings
     *                alike: tests of the clock correction); empty for true clocks
     */
    public LocalProcessFleet(String serviceUrl, List<String> launcher, Undo undo, List<Long> skewsMs) {
        this.serviceUrl = serviceUrl;
        this.launcher = List.copyOf(launcher);
        this.undo = undo;
        this.skewsMs = List.copyOf(skewsMs);
    }

    /** What one generator JVM needs besides its heap (metaspace, threads, Netty's direct buffers). */
    static final long OVERHEAD_MB = 192;
    /** Generator JVMs per core this host is asked to run at most: beyond it they starve each other and the pods. */
    static final int PER_CORE = 4;

    /**
     * Why this host cannot run {@code generators} generator JVMs of {@code heapMb} each, or null when it can: their
     * memory must fit in three quarters of this host's, and there must be no more than {@value #PER_CORE} per core.
     */
    public static String capacityProblem(int generators, int heapMb) {
        long totalMb = -1;
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof OperatingSystemMXBean os) {
            totalMb = os.getTotalMemorySize() >> 20;
        }
        int cores = java.lang.Runtime.getRuntime().availableProcessors();
        long perGenerator = heapMb + OVERHEAD_MB;
        long byMemory = totalMb > 0 ? totalMb * 3 / 4 / perGenerator : Long.MAX_VALUE;
        long byCores = (long) cores * PER_CORE;
        if (generators > byMemory) {
            return "the local runtime runs each load generator as a JVM on this host (" + heapMb + " MB heap + about "
                    + OVERHEAD_MB + " MB): " + generators + " need about " + generators * perGenerator + " MB, and "
                    + "three quarters of this host's " + totalMb + " MB fit " + byMemory + "; give fewer generators"
                    + " (--generators), a smaller --load-generator-heap, or run on a cluster";
        }
        if (generators > byCores) {
            return "the local runtime runs each load generator as a JVM on this host: " + generators + " on " + cores
                    + " core(s) would starve each other and the pods (at most " + byCores + ", " + PER_CORE
                    + " per core); give fewer generators (--generators) or run on a cluster";
        }
        return null;
    }

    @Override
    public String serviceUrl() {
        return serviceUrl;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("generators", "processes on this host playing the Indexed Job (stdin/stdout control)");
        if (!skewsMs.isEmpty()) {
            d.put("clockSkewsMs", skewsMs);
        }
        return d;
    }

    @Override
    public List<GeneratorChannel> launch(FleetLaunch l) {
        List<GeneratorChannel> channels = new ArrayList<>();
        for (int i = 0; i < l.generators(); i++) {
            channels.add(start(l, i));
        }
        for (GeneratorChannel c : channels) {
            String a = c.call(Command.STATUS.word());
            if (!GeneratorProtocol.waiting(a)) {
                throw ZerodropException.environment("load generator " + c.name() + " answered \"" + a + "\" where"
                        + " it should wait for the start");
            }
        }
        return channels;
    }

    private GeneratorChannel start(FleetLaunch l, int index) {
        String name = "generator-" + index;
        Path dir = l.workDir().resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw ZerodropException.environment("cannot create " + dir + ": " + e.getMessage());
        }
        Map<String, String> props = new LinkedHashMap<>(l.properties());
        props.put("zerodrop.generator.index", String.valueOf(index));
        long skew = index < skewsMs.size() ? skewsMs.get(index) : 0;
        if (skew != 0) {
            props.put("zerodrop.generator.clockSkewMs", String.valueOf(skew));
        }
        FileLimits.Plan limits = FileLimits.forChild(FileLimits
                .neededFor(Double.parseDouble(l.properties().getOrDefault("zerodrop.rate", "0")), // each one's share
                        l.requestTimeoutMs() + l.connectTimeoutMs()));
        if (limits.note() != null && index == 0) {
            System.err.println("zerodrop: each of " + l.generators() + " generators: " + limits.note());
        }
        List<String> withLimits = new ArrayList<>(launcher);
        withLimits.addAll(limits.prefix());
        List<String> cmd = TrafficRunner.gatlingJvm(withLimits, l.heapMb(), l.requestTimeoutMs(),
                l.connectTimeoutMs(), props, l.extraClasspath(), JvmTemp.create(dir.resolve("jvm-tmp")));
        cmd.addAll(List.of(GENERATOR_MAIN, "--control", "stdio", "--results", dir.toString(),
                "--simulation", l.simulationClass()));
        AtomicReference<Process> proc = new AtomicReference<>();
        undo.register("stop load generator " + name, () -> {
            ProcessTrees.kill(proc.get());
            JvmTemp.delete(dir.resolve("jvm-tmp"));
        });
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("generator-console.log").toFile());
            RunMarker.tag(pb.environment());
            proc.set(pb.start());
        } catch (IOException e) {
            throw ZerodropException.environment("cannot start load generator " + name + " (" + cmd.get(0) + "): " + e);
        }
        return new StdioChannel(name, "this host, pid " + proc.get().pid(), proc.get(), dir.resolve(
                "generator-console.log"));
    }

    /** One generator process: command lines on its stdin, answers on its stdout. */
    static final class StdioChannel implements GeneratorChannel {
        private final String name;
        private final String where;
        private final Process process;
        private final Path console;
        private final Writer in;
        private final BufferedReader out;

        StdioChannel(String name, String where, Process process, Path console) {
            this.name = name;
            this.where = where;
            this.process = process;
            this.console = console;
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8),
                    1 << 16);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String where() {
            return where;
        }

        @Override
        public synchronized String call(String command) {
            try {
                in.write(command + "\n");
                in.flush();
                String answer = out.readLine();
                if (answer != null) {
                    return answer;
                }
            } catch (IOException e) {
                // below: the process is gone
            }
            throw ZerodropException.environment("load generator " + name + " (" + where + ") stopped answering"
                    + exitCode() + "; its last words:\n" + tail());
        }

        /** ", exit code N" once the process has exited (its pipe closes a moment before it is reaped). */
        private String exitCode() {
            try {
                process.waitFor(2, TimeUnit.SECONDS);
                return process.isAlive() ? " (its process still runs)" : ", exit code " + process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }

        private String tail() {
            try {
                List<String> lines = Files.readAllLines(console, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            } catch (IOException e) {
                return "(" + console + " unreadable: " + e.getMessage() + ")";
            }
        }
    }
}
