package io.zerodrop.gatling;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * zerodrop's own reader of Gatling's binary {@code simulation.log} (the format of Gatling 3.13 and later, checked
 * for {@link #SUPPORTED_VERSIONS}). Streams records with bounded memory: only the string table (request names and
 * distinct messages) is kept.
 *
 * <p>Layout, big-endian: one type byte per record. 0 Run: string version, string simulation class, int64 run start
 * (epoch ms), string description, int32 count + strings (scenarios), int32 count + int32-length-prefixed
 * assertions. 1 Request: int32 count + cached strings (groups), cached string name, int32 start and end offsets
 * from run start, bool ok, cached string message. 2 User: int32 scenario index, bool start, int32 offset.
 * 3 Group: groups, int32 start, int32 end, int32 cumulated response time, bool ok. 4 Error: cached string message,
 * int32 offset. A string is int32 length (0 = empty) then bytes and one coder byte (0 Latin-1, 1 UTF-16 in the
 * writer's native order); a cached string is an int32: positive = index of a new string that follows, negative =
 * reference to an earlier one.
 *
 * <p>The reader also follows a file that Gatling is still writing: {@link #poll} returns only complete records
 * and resumes at the first incomplete one on the next call.
 */
public final class SimulationLogReader implements AutoCloseable {
    public static final Set<String> SUPPORTED_VERSIONS = Set.of("3.15.1");

    private static final byte RUN = 0;
    private static final byte REQUEST = 1;
    private static final byte USER = 2;
    private static final byte GROUP = 3;
    private static final byte ERROR = 4;

    /** Receives what {@link #poll} decodes. */
    public interface Visitor {
        void request(RequestRecord r);

        default void userStart(long atMs) {
        }

        default void userEnd(long atMs) {
        }

        default void error(String message, long atMs) {
        }
    }

    private static final class Incomplete extends Exception {
        private static final long serialVersionUID = 1L;

        Incomplete() {
            super(null, null, false, false);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    private final List<String> strings = new ArrayList<>();
    private long bufStart; // file offset of buf position 0
    private RunHeader header;
    private boolean utf16BigEndian = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

    private SimulationLogReader(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        buf.limit(0);
        strings.add(null); // Gatling's string indexes start at 1
    }

    /** Opens a complete or growing simulation.log; the header is read by the first {@link #poll}. */
    public static SimulationLogReader open(Path file) throws IOException {
        return new SimulationLogReader(file);
    }

    /** Reads a whole, finished file. */
    public static RunHeader readAll(Path file, Visitor visitor) throws IOException {
        return readAll(file, false, visitor);
    }

    /**
     * Reads a file; one whose writer was stopped ({@code cut}: an interrupted run) is read up to its last whole
     * record, a finished one must end on a record boundary.
     */
    public static RunHeader readAll(Path file, boolean cut, Visitor visitor) throws IOException {
        try (SimulationLogReader r = open(file)) {
            r.poll(visitor);
            if (r.header == null) {
                throw new SimulationLogException(file, 0, "no Run record: the file is empty or truncated");
            }
            if (!cut && r.channel.size() != r.position()) {
                throw new SimulationLogException(file, r.position(), "truncated record at the end of the file");
            }
            return r.header;
        }
    }

    /** Reads only the Run record of a file: the run start and the Gatling version. */
    public static RunHeader readHeader(Path file) throws IOException {
        try (SimulationLogReader r = open(file)) {
            try {
                r.header = r.readRun(0);
            } catch (Incomplete e) {
                throw new SimulationLogException(file, 0, "no complete Run record: the file is empty or truncated");
            }
            return r.header;
        }
    }

    /**
     * When the first virtual user started (epoch ms): the real start of the load, a little after the Run record's
     * start. Reads only as far as that record; -1 if the file has no user yet.
     */
    public static long firstUserStartMs(Path file) throws IOException {
        final class Found extends RuntimeException {
            private static final long serialVersionUID = 1L;
            final long at;

            Found(long at) {
                super(null, null, false, false);
                this.at = at;
            }
        }
        try (SimulationLogReader r = open(file)) {
            r.poll(new Visitor() {
                @Override
                public void request(RequestRecord rec) {
                }

                @Override
                public void userStart(long atMs) {
                    throw new Found(atMs);
                }
            });
            return -1;
        } catch (Found f) {
            return f.at;
        }
    }

    /** The Run record, once read. */
    public RunHeader header() {
        return header;
    }

    /** File offset just after the last complete record. */
    public long position() {
        return bufStart + buf.position();
    }

    /** Decodes every complete record available now; returns how many request records were delivered. */
    public long poll(Visitor visitor) throws IOException {
        long requests = 0;
        while (true) {
            long recordStart = position();
            int stringsBefore = strings.size();
            try {
                if (header == null) {
                    header = readRun(recordStart);
                    continue;
                }
                byte type = readByte();
                switch (type) {
                    case REQUEST -> {
                        skipGroups();
                        String name = readCachedString();
                        long start = header.runStartMs() + readInt();
                        long end = header.runStartMs() + readInt();
                        boolean ok = readBoolean();
                        String message = readCachedString();
                        visitor.request(new RequestRecord(name, start, end, ok, message == null ? "" : message));
                        requests++;
                    }
                    case USER -> {
                        readInt();
                        boolean start = readBoolean();
                        long at = header.runStartMs() + readInt();
                        if (start) {
                            visitor.userStart(at);
                        } else {
                            visitor.userEnd(at);
                        }
                    }
                    case GROUP -> {
                        skipGroups();
                        readInt();
                        readInt();
                        readInt();
                        readBoolean();
                    }
                    case ERROR -> {
                        String message = readCachedString();
                        visitor.error(message, header.runStartMs() + readInt());
                    }
                    default -> throw new SimulationLogException(file, recordStart,
                            "unknown record type " + type + " (expected 1 to 4)");
                }
            } catch (Incomplete e) {
                rewind(recordStart);
                while (strings.size() > stringsBefore) {
                    strings.remove(strings.size() - 1);
                }
                return requests;
            }
        }
    }

    private RunHeader readRun(long at) throws IOException, Incomplete {
        byte type = readByte();
        if (type != RUN) {
            throw new SimulationLogException(file, at, "expected the Run record (type 0), found type " + type
                    + ": not a Gatling 3.13+ binary simulation.log");
        }
        String version = readString();
        if (!SUPPORTED_VERSIONS.contains(version)) {
            throw new SimulationLogException(file, at, "written by Gatling " + version
                    + "; zerodrop reads the format of Gatling " + String.join(", ", SUPPORTED_VERSIONS)
                    + " only. Run the simulation with the Gatling that zerodrop ships");
        }
        String simulation = readString();
        long start = readLong();
        String description = readString();
        int scenarioCount = readInt();
        List<String> scenarios = new ArrayList<>();
        for (int i = 0; i < scenarioCount; i++) {
            scenarios.add(readString());
        }
        int assertions = readInt();
        for (int i = 0; i < assertions; i++) {
            skip(readInt());
        }
        return new RunHeader(version, simulation, start, description, List.copyOf(scenarios));
    }

    private void skipGroups() throws IOException, Incomplete {
        int n = readInt();
        for (int i = 0; i < n; i++) {
            readCachedString();
        }
    }

    private String readCachedString() throws IOException, Incomplete {
        int index = readInt();
        if (index >= 0) {
            String s = readString();
            if (index != strings.size()) {
                throw new SimulationLogException(file, position(), "string table out of order: new string #" + index
                        + " where #" + strings.size() + " was expected");
            }
            strings.add(s);
            return s;
        }
        int ref = -index;
        if (ref >= strings.size()) {
            throw new SimulationLogException(file, position(), "reference to unknown string #" + ref);
        }
        return strings.get(ref);
    }

    private String readString() throws IOException, Incomplete {
        int length = readInt();
        if (length == 0) {
            return "";
        }
        if (length < 0 || length > 1 << 20) {
            throw new SimulationLogException(file, position(), "implausible string length " + length);
        }
        byte[] bytes = new byte[length];
        readFully(bytes);
        byte coder = readByte();
        return switch (coder) {
            case 0 -> new String(bytes, StandardCharsets.ISO_8859_1);
            case 1 -> new String(bytes, utf16BigEndian ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE);
            default -> throw new SimulationLogException(file, position(), "unknown string coder " + coder);
        };
    }

    private void ensure(int n) throws IOException, Incomplete {
        if (buf.remaining() >= n) {
            return;
        }
        bufStart += buf.position();
        buf.compact();
        if (buf.capacity() < n) {
            throw new SimulationLogException(file, bufStart, "record field of " + n + " bytes exceeds the buffer");
        }
        channel.position(bufStart + buf.position());
        while (buf.position() < n) {
            if (channel.read(buf) <= 0) {
                buf.flip();
                throw new Incomplete();
            }
        }
        buf.flip();
    }

    private void rewind(long offset) {
        if (offset >= bufStart && offset <= bufStart + buf.limit()) {
            buf.position((int) (offset - bufStart));
        } else {
            bufStart = offset;
            buf.clear().limit(0);
        }
    }

    private byte readByte() throws IOException, Incomplete {
        ensure(1);
        return buf.get();
    }

    private boolean readBoolean() throws IOException, Incomplete {
        return readByte() != 0;
    }

    private int readInt() throws IOException, Incomplete {
        ensure(4);
        return buf.getInt();
    }

    private long readLong() throws IOException, Incomplete {
        ensure(8);
        return buf.getLong();
    }

    private void readFully(byte[] out) throws IOException, Incomplete {
        ensure(out.length);
        buf.get(out);
    }

    private void skip(int n) throws IOException, Incomplete {
        ensure(n);
        buf.position(buf.position() + n);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
