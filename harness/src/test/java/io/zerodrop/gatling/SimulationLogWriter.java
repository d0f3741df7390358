package io.zerodrop.gatling;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the Gatling 3.15.1 binary simulation.log layout (the one {@link SimulationLogReader} documents), for
 * tests and benchmarks that need large or unusual logs. Checked against the real golden file in
 * {@code SimulationLogWriterTest}.
 */
public final class SimulationLogWriter implements AutoCloseable {
    private final DataOutputStream out;
    private final long runStart;
    private final Map<String, Integer> cache = new HashMap<>();

    public SimulationLogWriter(Path file, String version, String simulation, long runStart, List<String> scenarios)
            throws IOException {
        this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        this.runStart = runStart;
        out.writeByte(0);
        string(version);
        string(simulation);
        out.writeLong(runStart);
        string("");
        out.writeInt(scenarios.size());
        for (String s : scenarios) {
            string(s);
        }
        out.writeInt(0);
    }

    public void user(boolean start, long atMs) throws IOException {
        out.writeByte(2);
        out.writeInt(0);
        out.writeBoolean(start);
        out.writeInt((int) (atMs - runStart));
    }

    public void request(List<String> groups, RequestRecord r) throws IOException {
        out.writeByte(1);
        out.writeInt(groups.size());
        for (String g : groups) {
            cached(g);
        }
        cached(r.name());
        out.writeInt((int) (r.startMs() - runStart));
        out.writeInt((int) (r.endMs() - runStart));
        out.writeBoolean(r.ok());
        cached(r.message());
    }

    public void error(String message, long atMs) throws IOException {
        out.writeByte(4);
        cached(message);
        out.writeInt((int) (atMs - runStart));
    }

    private void cached(String s) throws IOException {
        Integer index = cache.get(s);
        if (index != null) {
            out.writeInt(-index);
            return;
        }
        int next = cache.size() + 1;
        cache.put(s, next);
        out.writeInt(next);
        string(s);
    }

    private void string(String s) throws IOException {
        if (s.isEmpty()) {
            out.writeInt(0);
            return;
        }
        boolean latin1 = s.chars().allMatch(c -> c < 256);
        byte[] bytes = s.getBytes(latin1 ? StandardCharsets.ISO_8859_1
                : ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? StandardCharsets.UTF_16BE
                        : StandardCharsets.UTF_16LE);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.writeByte(latin1 ? 0 : 1);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
