package io.zerodrop.gatling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationLogWriterTest {
    @TempDir
    Path dir;

    @Test
    void reEncodingTheGoldenFileGivesTheSameBytes() throws Exception {
        Path golden = dir.resolve("golden.log");
        try (InputStream in = getClass().getResourceAsStream("/golden/fresh-connections-3.15.1.simulation.log")) {
            Files.copy(in, golden);
        }
        Path copy = dir.resolve("copy.log");
        RunHeader h = SimulationLogReader.readHeader(golden);
        try (SimulationLogWriter w = new SimulationLogWriter(copy, h.gatlingVersion(), h.simulationClass(),
                h.runStartMs(), h.scenarios())) {
            SimulationLogReader.readAll(golden, new SimulationLogReader.Visitor() {
                @Override
                public void request(RequestRecord r) {
                    io(() -> w.request(List.of(), r));
                }

                @Override
                public void userStart(long atMs) {
                    io(() -> w.user(true, atMs));
                }

                @Override
                public void userEnd(long atMs) {
                    io(() -> w.user(false, atMs));
                }
            });
        }
        assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(golden));
    }

    @Test
    void groupsUtf16StringsAndErrorsDecode() throws Exception {
        Path log = dir.resolve("log");
        long t = 1_800_000_000_000L;
        try (SimulationLogWriter w = new SimulationLogWriter(log, "3.15.1", "x.Sim", t, List.of("s"))) {
            w.user(true, t + 1);
            w.request(List.of("checkout", "payment"), new RequestRecord("GET /ünï", t + 2, t + 5, true, ""));
            w.request(List.of("checkout"), new RequestRecord("GET /日本", t + 3, t + 9, false, "status 503 — ✗"));
            w.error("crash ✗", t + 10);
            w.user(false, t + 11);
        }
        List<RequestRecord> got = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        SimulationLogReader.readAll(log, new SimulationLogReader.Visitor() {
            @Override
            public void request(RequestRecord r) {
                got.add(r);
            }

            @Override
            public void error(String message, long atMs) {
                errors.add(message + "@" + (atMs - t));
            }
        });
        assertThat(got).containsExactly(new RequestRecord("GET /ünï", t + 2, t + 5, true, ""),
                new RequestRecord("GET /日本", t + 3, t + 9, false, "status 503 — ✗"));
        assertThat(errors).containsExactly("crash ✗@10");
    }

    interface IoAction {
        void run() throws IOException;
    }

    static void io(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
