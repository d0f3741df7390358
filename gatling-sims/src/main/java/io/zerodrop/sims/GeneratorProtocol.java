package io.zerodrop.sims;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The control lines between zerodrop and a load generator, for both ends: the generator answers them
 * ({@code GeneratorControl}), zerodrop sends them and reads the answers (its fleet, over stdin/stdout or the control
 * port). One line each way; every answer is one of {@link #OK}, {@code clock <ms>}, a {@link Status}, {@code data
 * <from> <base64>} or {@code error <why>}.
 */
public final class GeneratorProtocol {
    /** The answer to start, go, stop and finish. */
    public static final String OK = "ok";

    private GeneratorProtocol() {
    }

    /** What zerodrop asks. */
    public enum Command {
        /** → {@code clock <epoch ms>}: the generator's clock, read between two of zerodrop's. */
        CLOCK,
        /** → ok: load the simulation now (once); it waits, ready, for go. */
        START,
        /** {@code go <ms>} → ok: injection begins at that moment of the generator's clock. */
        GO,
        /** → a {@link Status}. */
        STATUS,
        /** {@code log <from> <max>} → data: bytes of the binary simulation.log from {@code from}. */
        LOG,
        /** {@code clientlog <from> <max>} → data: bytes of the client request log from {@code from}. */
        CLIENTLOG,
        /** → {@code data 0 <base64>}: the last lines the simulation printed. */
        TAIL,
        /** → ok: end the load early, as Gatling stops itself, so that simulation.log is written out whole. */
        STOP,
        /** → ok: zerodrop has everything; the generator exits. */
        FINISH;

        /** Its word on the line. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The command a line begins with, if it begins with one. */
        public static Optional<Command> of(String line) {
            String first = line.strip().split(" ", 2)[0];
            return Arrays.stream(values()).filter(c -> c.word().equals(first)).findFirst();
        }
    }

    /** {@code go <atMs>}. */
    public static String go(long atMs) {
        return Command.GO.word() + " " + atMs;
    }

    /** {@code log|clientlog <from> <max>}: a chunk of the simulation.log ({@code binaryLog}) or the client log. */
    public static String chunk(boolean binaryLog, long from, int max) {
        return (binaryLog ? Command.LOG : Command.CLIENTLOG).word() + " " + from + " " + max;
    }

    /** {@code clock <ms>}. */
    public static String clock(long ms) {
        return Command.CLOCK.word() + " " + ms;
    }

    /** The generator's clock in an answer to clock; empty when the answer is not one. */
    public static OptionalLong parseClock(String answer) {
        String[] f = answer.strip().split(" ");
        if (f.length != 2 || !f[0].equals(Command.CLOCK.word())) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(f[1]));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** {@code data <from> <base64>}. */
    public static String data(long from, byte[] bytes) {
        return "data " + from + " " + Base64.getEncoder().encodeToString(bytes);
    }

    /** {@code data 0 <base64>} of a text. */
    public static String text(String s) {
        return data(0, s.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes of an answer to a chunk asked from {@code from} (none at the end); empty when it is not one. */
    public static Optional<byte[]> parseData(String answer, long from) {
        String[] f = answer.strip().split(" ", 3);
        if (f.length < 2 || !f[0].equals("data") || !f[1].equals(String.valueOf(from))) {
            return Optional.empty();
        }
        try {
            return Optional.of(f.length < 3 ? new byte[0] : Base64.getDecoder().decode(f[2].strip()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code answer} is the status of a generator that waits for start (as one just launched does). */
    public static boolean waiting(String answer) {
        return Status.parse(answer).filter(s -> s.state() == State.WAITING).isPresent();
    }

    /** {@code error <why>}, on one line. */
    public static String error(String why) {
        return "error " + why.replace('\n', ' ');
    }

    /** Where a generator is. */
    public enum State {
        /** Started, the simulation not loaded: waits for start. */
        WAITING,
        /** Loading the simulation. */
        LOADING,
        /** Loaded, waiting for go. */
        READY,
        /** Injecting. */
        RUNNING,
        /** The simulation ended; its exit code and log sizes are final. */
        DONE,
        /** The simulation failed; its exit code and log sizes are final. */
        FAILED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the simulation has ended (done or failed). */
        public boolean ended() {
            return this == DONE || this == FAILED;
        }
    }

    /**
     * The answer to status.
     *
     * @param injectionMs when injection began on the generator's clock, -1 before
     * @param logBytes simulation.log's size now (final once ended)
     * @param clientLogBytes the client log's size now (final once ended)
     * @param exitCode the simulation's exit code once ended, else -1
     */
    public record Status(State state, long injectionMs, long logBytes, long clientLogBytes, int exitCode) {
        /** Its line. */
        public String line() {
            return Command.STATUS.word() + " " + state.word() + " " + injectionMs + " " + logBytes + " "
                    + clientLogBytes + " " + exitCode;
        }

        /** The status an answer gives; empty when the answer is not one. */
        public static Optional<Status> parse(String answer) {
            String[] f = answer.strip().split(" ");
            if (f.length != 6 || !f[0].equals(Command.STATUS.word())) {
                return Optional.empty();
            }
            Optional<State> state = Arrays.stream(State.values()).filter(s -> s.word().equals(f[1])).findFirst();
            try {
                return state.map(s -> new Status(s, Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                        Integer.parseInt(f[5])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
