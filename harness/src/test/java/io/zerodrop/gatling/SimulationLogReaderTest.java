package io.zerodrop.gatling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden file: a real Gatling 3.15.1 run of FreshConnectionsSimulation against target-app, paths
 * {@code /,/work?ms=10,/missing}, 20 requests. Expected values come from Gatling's own console summary
 * (7 + 7 OK, 6 KO) and from decoding the first request record by hand from the bytes.
 */
class SimulationLogReaderTest {
    private static final String GOLDEN = "/golden/fresh-connections-3.15.1.simulation.log";
    private static final long RUN_START = 1795319744466L;
    private static final String KO_404 = "status.find.lessThanOrEqual(299), 404 is not less than or equal to 299";

    @TempDir
    Path dir;

    private Path golden() throws IOException {
        Path p = dir.resolve("simulation.log");
        try (InputStream in = getClass().getResourceAsStream(GOLDEN)) {
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
        }
        return p;
    }

    private static final class Collect implements SimulationLogReader.Visitor {
        final List<RequestRecord> requests = new ArrayList<>();
        int userStarts;
        int userEnds;

        @Override
        public void request(RequestRecord r) {
            requests.add(r);
        }

        @Override
        public void userStart(long atMs) {
            userStarts++;
        }

        @Override
        public void userEnd(long atMs) {
            userEnds++;
        }
    }

    @Test
    void decodesTheGoldenFileExactly() throws Exception {
        Collect c = new Collect();
        RunHeader h = SimulationLogReader.readAll(golden(), c);

        assertThat(h.gatlingVersion()).isEqualTo("3.15.1");
        assertThat(h.simulationClass()).isEqualTo("io.zerodrop.sims.FreshConnectionsSimulation");
        assertThat(h.runStartMs()).isEqualTo(RUN_START);
        assertThat(h.scenarios()).containsExactly("FreshConnectionsSimulation");

        assertThat(c.requests).hasSize(20);
        assertThat(c.userStarts).isEqualTo(20);
        assertThat(c.userEnds).isEqualTo(20);
        assertThat(c.requests.get(0)).isEqualTo(
                new RequestRecord("GET /missing", RUN_START + 356, RUN_START + 644, false, KO_404));

        Map<String, String> byName = new TreeMap<>();
        for (RequestRecord r : c.requests) {
            byName.merge(r.name() + (r.ok() ? " OK" : " KO"), "x", String::concat);
            assertThat(r.startMs()).isBetween(RUN_START, RUN_START + 3000);
            assertThat(r.endMs()).isGreaterThanOrEqualTo(r.startMs());
            assertThat(r.message()).isEqualTo(r.ok() ? "" : KO_404);
        }
        assertThat(byName).containsExactlyInAnyOrderEntriesOf(Map.of(
                "GET / OK", "xxxxxxx", "GET /work?ms=10 OK", "xxxxxxx", "GET /missing KO", "xxxxxx"));
    }

    @Test
    void followsAFileThatIsStillBeingWritten() throws Exception {
        byte[] all = Files.readAllBytes(golden());
        Path growing = Files.createFile(dir.resolve("growing.log"));
        Collect c = new Collect();
        try (SimulationLogReader r = SimulationLogReader.open(growing)) {
            long total = 0;
            int written = 0;
            for (int cut : new int[] {30, 200, 201, 555, 700, all.length}) {
                Files.write(growing, Arrays.copyOfRange(all, written, cut), StandardOpenOption.APPEND);
                written = cut;
                total += r.poll(c);
                assertThat(r.position()).isLessThanOrEqualTo(cut);
            }
            assertThat(total).isEqualTo(20);
            assertThat(r.position()).isEqualTo(all.length);
        }
        Collect whole = new Collect();
        SimulationLogReader.readAll(golden(), whole);
        assertThat(c.requests).isEqualTo(whole.requests);
    }

    @Test
    void aTruncatedFileIsReportedNotHalfRead() throws Exception {
        byte[] all = Files.readAllBytes(golden());
        Path cut = dir.resolve("cut.log");
        Files.write(cut, Arrays.copyOf(all, all.length - 3));
        assertThatThrownBy(() -> SimulationLogReader.readAll(cut, new Collect()))
                .isInstanceOf(SimulationLogException.class)
                .hasMessageContaining("truncated record");
    }

    @Test
    void anotherGatlingVersionIsRefusedWithTheVersionNamed() throws Exception {
        byte[] all = Files.readAllBytes(golden());
        byte[] other = all.clone();
        System.arraycopy("3.14.9".getBytes(StandardCharsets.ISO_8859_1), 0, other, 5, 6);
        Path p = dir.resolve("other.log");
        Files.write(p, other);
        assertThatThrownBy(() -> SimulationLogReader.readAll(p, new Collect()))
                .isInstanceOf(SimulationLogException.class)
                .hasMessageContaining("written by Gatling 3.14.9")
                .hasMessageContaining("3.15.1");
    }

    /**
     * A second golden file from a real run of GoldenMixSimulation (2 users) against target-app. Gatling's own console
     * said: 8 requests, 6 OK, 2 KO ("found 404", both inside the nested groups), and 2 errors "GET with a broken
     * expression: No attribute named 'noSuchAttribute' is defined"; "GET / ✓ ünïcødé" is outside Latin-1, so the
     * log stores it as UTF-16.
     */
    @Test
    void groupsAUtf16NameAndErrorRecordsFromARealRunDecodeAsGatlingCountedThem() throws Exception {
        Path p = dir.resolve("mix.simulation.log");
        try (InputStream in = getClass().getResourceAsStream("/golden/groups-utf16-error-3.15.1.simulation.log")) {
            Files.copy(in, p);
        }
        List<RequestRecord> requests = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int[] users = new int[2];
        try (SimulationLogReader r = SimulationLogReader.open(p)) {
            r.poll(new SimulationLogReader.Visitor() {
                @Override
                public void request(RequestRecord rec) {
                    requests.add(rec);
                }

                @Override
                public void userStart(long atMs) {
                    users[0]++;
                }

                @Override
                public void userEnd(long atMs) {
                    users[1]++;
                }

                @Override
                public void error(String message, long atMs) {
                    errors.add(message);
                }
            });
            assertThat(r.header().simulationClass()).isEqualTo("io.zerodrop.gatling.GoldenMixSimulation");
        }
        assertThat(users).containsExactly(2, 2);
        assertThat(requests).hasSize(8);
        assertThat(requests.stream().filter(RequestRecord::ok)).hasSize(6);
        Map<String, Long> byName = new TreeMap<>();
        requests.forEach(q -> byName.merge(q.name(), 1L, Long::sum));
        assertThat(byName).containsExactlyInAnyOrderEntriesOf(Map.of("GET / in a group", 2L,
                "GET /missing in two groups", 2L, "GET / ✓ ünïcødé", 2L, "GET / after the crash", 2L));
        assertThat(requests.stream().filter(q -> !q.ok()).map(RequestRecord::message))
                .containsOnly("status.find.in([200, 209], 304), found 404");
        // as Gatling wrote it: 78 characters, the last a space
        assertThat(errors).containsExactly(
                "GET with a broken expression: No attribute named 'noSuchAttribute' is defined ",
                "GET with a broken expression: No attribute named 'noSuchAttribute' is defined ");
    }
}
