package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.testsupport.AppProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;

class TrafficCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--url|localhost:8080|--url \"localhost:8080\" is invalid: expected http://host[:port][/path]",
        "--url|ftp://127.0.0.1/|--url \"ftp://127.0.0.1/\" is invalid",
        "--rate|0|--rate 0.0 is invalid: expected more than 0",
        "--duration|soon|'soon' is not a duration: expected a whole number with ms, s, m or h",
        "--simulation|quick|--simulation \"quick\" is neither fresh-connections, slow-requests, steady nor a fully qualified class name",
        "--expect-status|2xx|--expect-status \"2xx\" is invalid",
        "--path|health|--path \"health\" is invalid: expected a path starting with /",
    })
    void badInputExitsWith2NamesTheInputAndCreatesNothing(String flag, String value, String message) {
        Path out = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of("traffic", "--out", out.toString()));
        if (!flag.equals("--url")) {
            args.addAll(List.of("--url", "http://127.0.0.1:9/"));
        }
        args.addAll(List.of(flag, value));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).isEmpty();
        assertThat(out).doesNotExist();
    }

    @Test
    void unknownFlagAndMissingUrlAreUsageErrors() {
        Cli unknown = Cli.run("traffic", "--url", "http://127.0.0.1:9/", "--rat", "5");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown options: '--rat', '5'", "Try 'zerodrop traffic --help'");
        Cli missing = Cli.run("traffic");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--url=URL'");
        assertThat(Cli.run().exitCode()).isEqualTo(2);
    }

    /**
     * 100 requests over fresh connections, round-robin over five paths: exactly 20 of each. The faulty server says
     * what it did and when; zerodrop's counts, classes and timestamps must match it.
     */
    @Test
    void countsClassesAndTimesMatchAServerWithKnownFaults() throws Exception {
        try (FaultyServer server = new FaultyServer(1_800)) {
            Path out = dir.resolve("faulty");
            String base = "http://127.0.0.1:" + server.port();
            Cli r = Cli.run("traffic", "--url", base + "/", "--simulation", "fresh-connections",
                    "--path", "/ok", "--path", "/reset", "--path", "/status503", "--path", "/slow",
                    "--path", "http://127.0.0.1:" + server.closedPort() + "/refused",
                    "--rate", "50", "--warmup", "0s", "--duration", "2s", "--request-timeout", "1s",
                    "--no-gatling-report", "--out", out.toString());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.VERDICT_FAILED);

            JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
            JsonNode req = report.path("requests");
            assertThat(req.path("measured").asLong()).isEqualTo(100);
            assertThat(req.path("failed").asLong()).isEqualTo(80);
            assertThat(req.path("ok").asLong()).isEqualTo(20);
            JsonNode byClass = req.path("failuresByClass");
            assertThat(byClass.path("REFUSED").asLong()).isEqualTo(20);
            assertThat(byClass.path("RESET").asLong()).isEqualTo(20);
            assertThat(byClass.path("HTTP_503").asLong()).isEqualTo(20);
            assertThat(byClass.path("REQUEST_TIMEOUT").asLong()).isEqualTo(20);
            assertThat(req.path("failuresByStatus").path("503").asLong()).isEqualTo(20);
            assertThat(byClass.size()).isEqualTo(4);

            // the server agrees: 20 answered OK, 20 reset, 20 answered 503, and it never saw the refused ones
            assertThat(server.count("/ok")).isEqualTo(20);
            assertThat(server.count("/reset")).isEqualTo(20);
            assertThat(server.count("/status503")).isEqualTo(20);
            assertThat(server.count("/refused")).isZero();

            // timestamps, one clock: no reset or 503 is seen by the client before the server acted (Gatling derives
            // its times from a nanoTime offset, so its millisecond can read up to a few ms early), and each is seen
            // within 250 ms after: on an idle machine within 100 ms, but a CPU-starved Gatling JVM was seen 110 ms
            // late. Pairing by order is unambiguous: both lists have 20 entries, one per request sent 100 ms apart.
            assertPairedWithin(server.times("/reset"), endTimes(report, "RESET"), 250);
            assertPairedWithin(server.times("/status503"), endTimes(report, "HTTP_503"), 250);
            for (JsonNode a : report.path("attributions")) {
                long latency = a.path("endMs").asLong() - a.path("startMs").asLong();
                switch (a.path("failureClass").asText()) {
                    // refused at once, not after the 2 s connect timeout (a cold JVM's first connects take ~100 ms)
                    case "REFUSED" -> assertThat(latency).isLessThan(1_000);
                    case "REQUEST_TIMEOUT" -> assertThat(latency).isBetween(900L, 1_300L);
                    default -> { }
                }
                assertThat(a.path("phase").asText()).isEqualTo("BASELINE");
            }
            assertThat(report.path("verdict").path("status").asText()).isEqualTo("FAILED");
            assertThat(r.out()).contains("verdict    FAILED", "FAIL max-dropped: expected ≤ 0, measured 80");
        }
    }

    @Test
    void aCleanRunAgainstTargetAppPassesAndReconcilesWithItsLedger() throws Exception {
        Path ledger = dir.resolve("ledger.json");
        try (AppProcess app = AppProcess.start(AppProcess.env("LEDGER_FILE", ledger.toString(),
                "LEDGER_FLUSH_MS", "100"))) {
            int port = app.awaitListening();
            Path out = dir.resolve("clean");
            Cli r = Cli.run("traffic", "--url", "http://127.0.0.1:" + port + "/", "--rate", "100", "--warmup", "1s",
                    "--duration", "3s", "--ledger", ledger.toString(), "--out", out.toString());
            assertThat(r.exitCode()).as(r.err() + r.out()).isEqualTo(ExitCodes.PASSED);

            JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
            assertThat(report.path("schema").asText()).isEqualTo("zerodrop.report/v1");
            assertThat(report.path("requests").path("failed").asLong()).isZero();
            assertThat(report.path("requests").path("measured").asLong()).isBetween(280L, 320L);
            JsonNode truth = report.path("groundTruth");
            assertThat(truth.path("serverReceived").asLong()).isEqualTo(truth.path("clientTotal").asLong());
            assertThat(truth.path("serverOk").asLong()).isEqualTo(truth.path("clientOk").asLong());
            assertThat(truth.path("hiddenDrops").asLong()).isZero();
            assertThat(report.path("header").path("clock").asText()).contains("epoch milliseconds");
            assertThat(report.path("gatlingReport").asText()).endsWith("index.html");
            assertThat(out.resolve(report.path("gatlingReport").asText())).exists();

            ReportSchema.assertValid(report);

            Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(out.resolve("junit.xml").toFile());
            assertThat(junit.getDocumentElement().getAttribute("failures")).isEqualTo("0");
            assertThat(junit.getElementsByTagName("testcase").getLength()).isEqualTo(3); // measurement + 2 checks
            assertThat(Files.readString(out.resolve("report.html"))).contains("<svg id=\"chart\"", "PASSED");
            assertThat(r.out()).contains("verdict    PASSED", "server     received");
            assertThat(r.err()).contains("[traffic]");
        }
    }

    private static List<Long> endTimes(JsonNode report, String failureClass) {
        List<Long> out = new ArrayList<>();
        for (JsonNode a : report.path("attributions")) {
            if (a.path("failureClass").asText().equals(failureClass)) {
                out.add(a.path("endMs").asLong());
            }
        }
        out.sort(null);
        return out;
    }

    private static void assertPairedWithin(List<Long> serverTimes, List<Long> clientTimes, long ms) {
        assertThat(clientTimes).hasSameSizeAs(serverTimes);
        for (int i = 0; i < serverTimes.size(); i++) {
            assertThat(clientTimes.get(i) - serverTimes.get(i)).as("client end - server action #%d", i)
                    .isBetween(-5L, ms);
        }
    }
}
