package io.zerodrop.traffic.fleet;

import io.zerodrop.core.ZerodropException;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.gatling.SimulationLogReader;
import io.zerodrop.sims.GeneratorProtocol;
import io.zerodrop.sims.GeneratorProtocol.Command;
import io.zerodrop.traffic.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One generator of a fleet as a run follows it: its state and clock readings, and its logs fetched here chunk by
 * chunk over its channel (the protocol's {@code status}, {@code log}, {@code clientlog} and {@code tail}).
 */
final class FleetGenerator {
    /** Clock readings per measurement; the fastest round trips bound the offset. */
    static final int CLOCK_READINGS = 8;
    private static final int CHUNK = 1 << 20;

    final GeneratorChannel ch;
    final Path dir;
    final Path log;
    final Path clientPart;
    long logAt;
    long clientAt;
    GeneratorProtocol.State state = GeneratorProtocol.State.WAITING;
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

    FleetGenerator(GeneratorChannel ch, Path dir) {
        this.ch = ch;
        this.dir = dir;
        this.log = dir.resolve("simulation.log");
        this.clientPart = dir.resolve("requests.client.log.part");
    }

    boolean ended() {
        return state.ended();
    }

    boolean complete() {
        return ended() && logAt >= logNow && clientAt >= clientSize;
    }

    /** {@link #CLOCK_READINGS} readings of the generator's clock, each between two of this host's. */
    ClockEstimate measureClock() {
        List<ClockEstimate.Reading> readings = new ArrayList<>();
        for (int i = 0; i < CLOCK_READINGS; i++) {
            long sent = System.currentTimeMillis();
            String a = ch.call(Command.CLOCK.word());
            long answered = System.currentTimeMillis();
            long theirs = GeneratorProtocol.parseClock(a).orElseThrow(() -> ZerodropException.environment(
                    "load generator " + ch.name() + " answered \"" + a + "\" to clock"));
            readings.add(new ClockEstimate.Reading(sent, theirs, answered));
        }
        return ClockEstimate.of(readings);
    }

    /** After an interrupt: the generator's clock again if it still answers, else the reading before the load. */
    ClockEstimate clockAfterStop() {
        if (!complete()) {
            return before;
        }
        try {
            return measureClock();
        } catch (RuntimeException gone) {
            return before;
        }
    }

    /** Sends {@code command}, which must be answered {@code ok}. */
    void expectOk(String command) {
        String a = ch.call(command);
        if (!a.equals(GeneratorProtocol.OK)) {
            throw ZerodropException.environment("load generator " + ch.name() + " answered \"" + a + "\" to "
                    + command);
        }
    }

    /** Asks for its status: state, injection start, log size; once ended, client log size and exit code. */
    void status() {
        String a = ch.call(Command.STATUS.word());
        GeneratorProtocol.Status s = GeneratorProtocol.Status.parse(a).orElseThrow(() -> ZerodropException
                .environment("load generator " + ch.name() + " answered \"" + a + "\" to status"));
        state = s.state();
        injectionGenMs = s.injectionMs();
        logNow = s.logBytes();
        if (ended()) {
            clientSize = s.clientLogBytes();
            exit = s.exitCode();
        }
    }

    /** Appends what the generator wrote since the last call; counts the new requests for the progress line. */
    void fetch(long[] counts, Progress.RateWindow window) {
        if (logNow > logAt) { // ask only for what the last status said is there
            logAt += append(ch, true, logAt, log);
        }
        if (reader == null && logAt > 0) {
            try {
                reader = SimulationLogReader.open(log);
            } catch (IOException e) {
                throw ZerodropException.environment("cannot read " + log + ": " + e.getMessage());
            }
        }
        if (reader != null) {
            long offset = before.offsetMs();
            try {
                reader.poll(new SimulationLogReader.Visitor() {
                    @Override
                    public void request(RequestRecord r) {
                        counts[0]++;
                        counts[r.ok() ? 1 : 2]++;
                        window.add(r.startMs() - offset);
                    }
                });
            } catch (IOException e) {
                throw ZerodropException.environment("cannot read " + log + " while it arrives: " + e.getMessage());
            }
        }
        if (ended()) {
            while (logAt < logNow) {
                long n = append(ch, true, logAt, log);
                if (n == 0) {
                    throw ZerodropException.environment("load generator " + ch.name() + " said its simulation.log"
                            + " has " + logNow + " bytes but gave only " + logAt);
                }
                logAt += n;
            }
            while (clientAt < clientSize) {
                long n = append(ch, false, clientAt, clientPart);
                if (n == 0) {
                    throw ZerodropException.environment("load generator " + ch.name() + " said its client log has "
                            + clientSize + " bytes but gave only " + clientAt);
                }
                clientAt += n;
            }
        }
    }

    void closeReader() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
    }

    /** Its Gatling's last words. */
    String tail() {
        try {
            return new String(data(ch, Command.TAIL.word(), 0), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }

    /**
     * Fetches one chunk of the simulation.log ({@code binaryLog}) or the client log from {@code from} and appends it
     * to {@code file}; the number of bytes.
     */
    private static long append(GeneratorChannel ch, boolean binaryLog, long from, Path file) {
        byte[] bytes = data(ch, GeneratorProtocol.chunk(binaryLog, from, CHUNK), from);
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

    /** Sends {@code command} and decodes its answer {@code data <from> <base64>}: the bytes (none at the end). */
    private static byte[] data(GeneratorChannel ch, String command, long from) {
        String a = ch.call(command);
        return GeneratorProtocol.parseData(a, from).orElseThrow(() -> ZerodropException.environment(
                "load generator " + ch.name() + " answered \"" + cut(a) + "\" to " + command));
    }

    private static String cut(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
