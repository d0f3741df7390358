package io.zerodrop.sims;

import io.gatling.app.Gatling$;
import io.zerodrop.sims.GeneratorProtocol.Command;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A load generator's state and its answers to the control lines zerodrop drives it with: {@link GeneratorProtocol},
 * which both ends use, says what each line asks and answers. Times are this generator's clock (plus the test skew,
 * if any); all generators of a run are given one moment to begin, so none begins before the others however long each
 * took to load.
 */
final class GeneratorControl {
    static final String CLIENT_LOG = "requests.client.log";
    static final String STOP_FILE = "stop-requested";
    static final int MAX_CHUNK = 1 << 20;
    private static final int TAIL_LINES = 40;

    enum State { WAITING, RUNNING, DONE, FAILED }

    private final Path results;
    private final String simulation;
    private final long skewMs;
    private final PrintStream console;
    private final Deque<String> tail = new ArrayDeque<>();
    private volatile State state = State.WAITING;
    private volatile long injectionMs = -1;
    /** When injection is to begin, on this generator's clock; 0 before it is given. */
    private volatile long goAtMs;
    private volatile int exitCode = -1;
    private volatile boolean finished;
    private volatile long lastCommandMs = System.currentTimeMillis();
    private Path simulationLog;
    /** Offset of the Run record's int64 start time in simulation.log, once the header is on disk; -1 before. */
    private long runStartOffset = -1;

    GeneratorControl(Path results, String simulation, int index, long skewMs, PrintStream console) {
        this.results = results;
        this.simulation = simulation;
        this.skewMs = skewMs;
        this.console = console;
        try {
            Files.createDirectories(results);
        } catch (IOException e) {
            throw new UncheckedIOException("the results directory " + results + " cannot be created", e);
        }
        String token = System.getProperty("zerodrop.runToken", Long.toString(System.nanoTime() & 0xffffffL, 36));
        System.setProperty("zerodrop.runToken", token + "g" + index);
        System.setProperty("zerodrop.requestLog", results.resolve(CLIENT_LOG).toString());
        // the simulation watches this file (StopSignal): "stop" makes it appear
        System.setProperty("zerodrop.stopFile", results.resolve(STOP_FILE).toString());
    }

    /** What the simulation prints: kept (last lines), passed to the console, and watched for the injection start. */
    PrintStream console() {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                console.write(b);
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.UTF_8).strip();
                    line.reset();
                    seen(s);
                } else if (line.size() < 4096) {
                    line.write(b);
                }
            }

            @Override
            public void flush() {
                console.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    private synchronized void seen(String line) {
        if (injectionMs < 0 && line.startsWith("Simulation ") && line.endsWith(" started...")) {
            injectionMs = Math.max(now(), goAtMs); // the first users wait for the common start
        }
        tail.addLast(line);
        while (tail.size() > TAIL_LINES) {
            tail.removeFirst();
        }
    }

    long now() {
        return System.currentTimeMillis() + skewMs;
    }

    long idleMs() {
        return state == State.RUNNING ? 0 : System.currentTimeMillis() - lastCommandMs;
    }

    boolean finished() {
        return finished;
    }

    int exitCode() {
        return state == State.DONE ? exitCode : 3;
    }

    String answer(String line) {
        lastCommandMs = System.currentTimeMillis();
        String[] f = line.strip().split(" ");
        Optional<Command> command = Command.of(line);
        if (command.isEmpty()) {
            return GeneratorProtocol.error("unknown command \"" + line.strip() + "\"");
        }
        try {
            switch (command.get()) {
                case CLOCK:
                    return GeneratorProtocol.clock(now());
                case START:
                    return start();
                case GO:
                    return go(f);
                case STATUS:
                    boolean ended = state == State.DONE || state == State.FAILED;
                    return new GeneratorProtocol.Status(protocolState(), injectionMs, size(simulationLog()),
                            size(results.resolve(CLIENT_LOG)), ended ? exitCode() : -1).line();
                case LOG:
                    return data(f, true);
                case CLIENTLOG:
                    return data(f, false);
                case TAIL:
                    synchronized (this) {
                        return GeneratorProtocol.text(String.join("\n", tail));
                    }
                case STOP:
                    Files.writeString(results.resolve(STOP_FILE), "stop\n");
                    return GeneratorProtocol.OK;
                case FINISH:
                    finished = true;
                    return GeneratorProtocol.OK;
                default:
                    throw new IllegalStateException("no answer to " + command.get());
            }
        } catch (IOException | RuntimeException e) {
            return GeneratorProtocol.error(e.toString());
        }
    }

    private GeneratorProtocol.State protocolState() {
        if (state == State.RUNNING && !StartBarrier.given()) {
            return StartBarrier.arrived() ? GeneratorProtocol.State.READY : GeneratorProtocol.State.LOADING;
        }
        return GeneratorProtocol.State.valueOf(state.name());
    }

    private synchronized String go(String[] f) {
        if (f.length != 2) {
            return GeneratorProtocol.error("expected: go <epoch ms>");
        }
        if (!StartBarrier.arrived() || StartBarrier.given()) {
            return GeneratorProtocol.error("not ready for go: " + protocolState().word());
        }
        goAtMs = Long.parseLong(f[1]);
        StartBarrier.go(goAtMs - skewMs); // on the JVM's own clock
        return GeneratorProtocol.OK;
    }

    private synchronized String start() {
        if (state != State.WAITING) {
            return GeneratorProtocol.error("already started");
        }
        StartBarrier.enable(Long.getLong("zerodrop.generator.idleTimeoutSeconds", 600L) * 1000L);
        state = State.RUNNING;
        Thread t = new Thread(() -> {
            int code;
            try {
                code = Gatling$.MODULE$.fromArgs(new String[] {"--simulation", simulation,
                        "--results-folder", results.toString(), "--no-reports"});
            } catch (Throwable e) {
                StringBuilder why = new StringBuilder(e.toString());
                for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                    why.append(" ← ").append(c);
                }
                console.println("zerodrop generator: the simulation failed: " + why);
                seen("the simulation failed: " + why);
                code = 3;
            }
            exitCode = code;
            state = code == 0 ? State.DONE : State.FAILED;
        }, "gatling");
        t.start();
        return GeneratorProtocol.OK;
    }

    /** A file's size now (0 before it exists); final once the simulation has ended. */
    private long size(Path file) throws IOException {
        return file == null || !Files.exists(file) ? 0 : Files.size(file);
    }

    private synchronized Path simulationLog() throws IOException {
        if (simulationLog == null && Files.isDirectory(results)) {
            try (Stream<Path> dirs = Files.list(results)) {
                simulationLog = dirs.filter(Files::isDirectory).map(d -> d.resolve("simulation.log"))
                        .filter(Files::exists).findFirst().orElse(null);
            }
        }
        return simulationLog;
    }

    private String data(String[] f, boolean binaryLog) throws IOException {
        if (f.length != 3) {
            return GeneratorProtocol.error("expected: " + f[0] + " <from> <max>");
        }
        long from = Long.parseLong(f[1]);
        int max = (int) Math.min(MAX_CHUNK, Long.parseLong(f[2]));
        Path file = binaryLog ? simulationLog() : results.resolve(CLIENT_LOG);
        if (file == null || !Files.exists(file) || from < 0 || max <= 0) {
            return GeneratorProtocol.data(from, new byte[0]);
        }
        byte[] bytes;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long size = raf.length();
            long upTo = Math.min(size, from + max);
            if (binaryLog && skewMs != 0) {
                long at = runStartOffset(raf, size);
                if (at < 0) {
                    // the header is not all on disk yet: nothing to serve
                    return GeneratorProtocol.data(from, new byte[0]);
                }
            }
            bytes = new byte[(int) Math.max(0, upTo - from)];
            raf.seek(from);
            raf.readFully(bytes);
            if (binaryLog && skewMs != 0) {
                skewRunStart(raf, bytes, from); // the client log's times carry the skew already (ClientRequestLog)
            }
        }
        return GeneratorProtocol.data(from, bytes);
    }

    /** Where the Run record's start time is: type byte, two strings (version, simulation), then the int64. */
    private synchronized long runStartOffset(RandomAccessFile raf, long size) throws IOException {
        if (runStartOffset >= 0) {
            return runStartOffset;
        }
        long at = 1;
        for (int s = 0; s < 2; s++) {
            if (at + 4 > size) {
                return -1;
            }
            raf.seek(at);
            int len = raf.readInt();
            at += 4 + (len == 0 ? 0 : len + 1);
        }
        if (at + 8 > size) {
            return -1;
        }
        runStartOffset = at;
        return at;
    }

    /** Adds the skew to the Run record's start time where it falls in {@code bytes} (every other time is relative). */
    private void skewRunStart(RandomAccessFile raf, byte[] bytes, long from) throws IOException {
        long at = runStartOffset;
        if (at + 8 <= from || at >= from + bytes.length) {
            return;
        }
        byte[] whole = new byte[8];
        // the chunk may cut the field: read it whole from the file (it is on disk: its offset is known)
        raf.seek(at);
        raf.readFully(whole);
        long shifted = ByteBuffer.wrap(whole).getLong() + skewMs;
        ByteBuffer.wrap(whole).putLong(shifted);
        for (int i = 0; i < 8; i++) {
            long pos = at + i - from;
            if (pos >= 0 && pos < bytes.length) {
                bytes[(int) pos] = whole[i];
            }
        }
    }
}
