package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.testsupport.AppProcess;
import io.zerodrop.testsupport.ChildJvm;
import io.zerodrop.testsupport.HostTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;

@Tag("slow")
class TrafficCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--url|localhost:8080|--url \"localhost:8080\" is invalid: expected http://host[:port][/path]",
        "--url|ftp://127.0.0.1/|--url \"ftp://127.0.0.1/\" is invalid",
        "--url|http://127.0.0.1:99999/|--url \"http://127.0.0.1:99999/\" is invalid: port 99999 is out of range; expected 1 to 65535",
        "--url|http://127.0.0.1:8o80/|--url \"http://127.0.0.1:8o80/\" is invalid: port \"8o80\" is not a number from 1 to 65535",
        "--path|http://127.0.0.1:70000/x|--path \"http://127.0.0.1:70000/x\" is invalid: port 70000 is out of range",
        "--rate|0|--rate 0.0 is invalid: expected more than 0",
        "--duration|soon|'soon' is not a duration: expected a whole number with ms, s, m or h",
        "--simulation|quick|--simulation \"quick\" is neither fresh-connections, slow-requests, steady nor a fully qualified class name",
        "--expect-status|2xx|--expect-status \"2xx\" is invalid",
        "--path|health|--path \"health\" is invalid: expected a path starting with /",
        "--max-dropped|-1|expectation maxDropped=-1 is invalid: expected 0 or more",
        "--method|GET POST|--method \"GET POST\" is invalid: expected one HTTP method",
        "--simulation|com.example.NoSuchSimulation|--simulation \"com.example.NoSuchSimulation\": class com.example.NoSuchSimulation is not on the simulation class path",
        "--simulation|java.lang.String|java.lang.String is not a Gatling simulation",
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
    void anOutputDirectoryHoldingAnEarlierRunIsRefusedAndLeftAsItWas() throws Exception {
        Path out = Files.createDirectories(dir.resolve("earlier"));
        Files.writeString(out.resolve("report.json"), "{\"earlier\": true}");
        Cli r = Cli.run("traffic", "--url", "http://127.0.0.1:9/", "--out", out.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--out " + out + " already holds an earlier run's results (report.json)",
                "a directory of its own");
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("report.json");
        }
        assertThat(Files.readString(out.resolve("report.json"))).isEqualTo("{\"earlier\": true}");

        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Cli onFile = Cli.run("traffic", "--url", "http://127.0.0.1:9/", "--out", file.toString());
        assertThat(onFile.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(onFile.err()).contains("--out " + file + " is a file: expected a new or empty directory");
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
        Cli help = Cli.run("--help");
        assertThat(help.out()).contains("Exit codes:", "cleanup").containsPattern("\\s0\\s+passed")
                .containsPattern("\\s4\\s+internal error \\(a zerodrop bug\\)")
                .containsPattern("\\s130\\s+interrupted \\(SIGINT, Ctrl-C\\)")
                .containsPattern("\\s143\\s+terminated \\(SIGTERM\\)");
    }

    /**
     * A zerodrop whose own open-file limit (300, hard) is below what the load needs (200 req/s against a path that
     * answers after 1.8 s, each request on its connection until its 1 s timeout). Where zerodrop may raise a hard
     * limit (CAP_SYS_RESOURCE) it starts Gatling with it raised and says so, and every request is the target's
     * timeout; where it may not, it says what to raise, keeps every request it recorded, and does not blame the target
     * for the requests its generator could not send (INCONCLUSIVE, exit 3).
     */
    @Test
    void aLoadGeneratorShortOfOpenFilesIsRaisedOrNamedButNeverBlamedOnTheTarget() throws Exception {
        HostTool.require("prlimit", "prlimit (util-linux) sets a child's open-file limit");
        try (FaultyServer server = new FaultyServer(1_800)) {
            Path out = dir.resolve("fds");
            List<String> cmd = new ArrayList<>(List.of("prlimit", "--nofile=300:300", "--"));
            cmd.addAll(ChildJvm.command(List.of(), Zerodrop.class.getName(), "traffic",
                    "--url", "http://127.0.0.1:" + server.port() + "/slow", "--simulation", "fresh-connections",
                    "--rate", "200", "--warmup", "0s", "--duration", "2s", "--request-timeout", "1s",
                    "--no-gatling-report", "--out", out.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
            ReportSchema.assertValid(report);
            JsonNode req = report.path("requests");
            assertThat(req.path("measured").asLong()).as(said).isEqualTo(400);
            long timeouts = req.path("failuresByClass").path("REQUEST_TIMEOUT").asLong();
            long notSent = req.path("failuresByClass").path("GENERATOR_FAULT").asLong();
            assertThat(timeouts + notSent).as(said).isEqualTo(400);
            if (said.contains("zerodrop: raised the load generator's open-file limit from 300 to")) {
                assertThat(p.exitValue()).as(said).isEqualTo(ExitCodes.VERDICT_FAILED); // every request timed out
                assertThat(notSent).isZero();
            } else {
                assertThat(said).contains("zerodrop: the load generator may run out of open files", "allows 300");
                assertThat(notSent).as(said).isPositive();
                assertThat(p.exitValue()).as(said).isEqualTo(ExitCodes.ENVIRONMENT);
                assertThat(report.path("verdict").path("status").asText()).isEqualTo("INCONCLUSIVE");
                assertThat(report.path("verdict").path("reasons").get(0).asText())
                        .startsWith("the load generator could not send " + notSent + " request(s) itself");
            }
        }
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
            ClockSlack slack = ClockSlack.watch();
            Cli r = Cli.run("traffic", "--url", base + "/", "--simulation", "fresh-connections",
                    "--path", "/ok", "--path", "/reset", "--path", "/status503", "--path", "/slow",
                    "--path", "http://127.0.0.1:" + server.closedPort() + "/refused",
                    "--rate", "50", "--warmup", "0s", "--duration", "2s", "--request-timeout", "1s",
                    "--no-gatling-report", "--out", out.toString());
            long slackMs = slack.stop();
            // FAILED; or INCONCLUSIVE when a starved machine could not send the 50 req/s (the counts still hold)
            boolean saturated = r.saturated();
            assertThat(saturated || r.exitCode() == ExitCodes.VERDICT_FAILED).as(r.err() + r.out()).isTrue();
            // Gatling's native-library copies went into the run's own temporary directory, removed with the JVM
            assertThat(Files.readString(out.resolve("gatling/gatling-console.log"))).isNotEmpty();
            assertThat(out.resolve("gatling/jvm-tmp")).doesNotExist();

            JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
            JsonNode req = report.path("requests");
            assertThat(req.path("measured").asLong()).isEqualTo(100);
            // a request the server answered at once (/ok, /reset, /status503) can still time out at the client when
            // a starved machine holds the client longer than its 1 s timeout: the client saw a timeout, and it is
            // counted as one (the server counted the request all the same); each path's own class takes the rest
            Map<String, Integer> late = new HashMap<>(Map.of("/ok", 0, "/reset", 0, "/status503", 0));
            report.path("attributions").forEach(a -> {
                String path = a.path("request").asText().replaceAll("^.* ", "");
                if (late.containsKey(path) && a.path("failureClass").asText().equals("REQUEST_TIMEOUT")) {
                    late.merge(path, 1, Integer::sum);
                } else if (path.equals("/ok")) {
                    assertThat(a.path("failureClass").asText()).as(r.out()).isEqualTo("REQUEST_TIMEOUT");
                }
            });
            int lateAll = late.values().stream().mapToInt(Integer::intValue).sum();
            assertThat(req.path("failed").asLong()).as(r.out()).isEqualTo(80 + late.get("/ok"));
            assertThat(req.path("ok").asLong()).isEqualTo(20 - late.get("/ok"));
            JsonNode byClass = req.path("failuresByClass");
            assertThat(byClass.path("REFUSED").asLong()).isEqualTo(20);
            assertThat(byClass.path("RESET").asLong()).as(r.out()).isEqualTo(20 - late.get("/reset"));
            assertThat(byClass.path("HTTP_503").asLong()).isEqualTo(20 - late.get("/status503"));
            assertThat(byClass.path("REQUEST_TIMEOUT").asLong()).isEqualTo(20 + lateAll);
            assertThat(req.path("failuresByStatus").path("503").asLong()).isEqualTo(20 - late.get("/status503"));
            List<String> classes = new ArrayList<>();
            byClass.fieldNames().forEachRemaining(classes::add);
            assertThat(classes).isSubsetOf("REFUSED", "RESET", "HTTP_503", "REQUEST_TIMEOUT")
                    .contains("REFUSED", "REQUEST_TIMEOUT");

            // the server agrees: 20 answered OK, 20 reset, 20 answered 503, and it never saw the refused ones
            assertThat(server.count("/ok")).isEqualTo(20);
            assertThat(server.count("/reset")).isEqualTo(20);
            assertThat(server.count("/status503")).isEqualTo(20);
            assertThat(server.count("/refused")).isZero();

            // one clock, by causality rather than by speed: each reset and each 503 was done by the server between
            // the moment the client started the request and the moment the client saw the answer (the server stamps
            // before it acts). Gatling derives its times from a nanoTime offset it anchors once at start, so its
            // clock may sit a constant few ms (seen: 54 ms on a starved machine) from this host's: one offset must
            // explain all 40. Requests of one path may overlap and be served out of order, so which server action
            // belongs to which request is not taken from their order: some one-to-one assignment must fit.
            if (late.get("/reset") + late.get("/status503") == 0) {
                // (a starved client that timed some of them out leaves fewer client spans than server times: the
                // pairing is then ambiguous and not checked; the counts above still are)
                assertThat(server.times("/reset")).hasSize(20);
                assertOneOffsetExplainsEveryPair(List.of(server.times("/reset"), server.times("/status503")),
                        List.of(spans(report, "RESET"), spans(report, "HTTP_503")), slackMs);
            }
            for (JsonNode a : report.path("attributions")) {
                long latency = a.path("endMs").asLong() - a.path("startMs").asLong();
                switch (a.path("failureClass").asText()) {
                    // the timeout, not an early failure: never before the 1 s request timeout (a few ms of clock
                    // skew aside), and before the server's 1.8 s answer, or the client would have seen it OK
                    case "REQUEST_TIMEOUT" -> assertThat(latency).isGreaterThanOrEqualTo(995L);
                    default -> { }
                }
                assertThat(a.path("phase").asText()).isEqualTo("BASELINE");
            }
            // the refused ones were refused, not timed out at connect: their class says so (CONNECT_TIMEOUT is absent)
            assertThat(byClass.has("CONNECT_TIMEOUT")).isFalse();
            assertThat(report.path("verdict").path("status").asText()).isEqualTo(saturated ? "INCONCLUSIVE"
                    : "FAILED");
            assertThat(r.out()).contains(saturated ? "verdict    INCONCLUSIVE" : "verdict    FAILED",
                    "FAIL max-dropped: expected ≤ 0, measured "
                    + (80 + late.get("/ok")));
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
            // PASSED; or INCONCLUSIVE when a starved machine could not send the rate (the accounts still agree)
            assertThat(r.passedOrSaturated()).as(r.err() + r.out()).isTrue();

            JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
            assertThat(report.path("schema").asText()).isEqualTo("zerodrop.report/v1");
            assertThat(report.path("requests").path("failed").asLong()).isZero();
            // what both sides counted, not what a rate should have produced: the client's total is the warm-up plus
            // the measured requests, and the server received each one
            JsonNode requests = report.path("requests");
            assertThat(requests.path("measured").asLong()).isPositive();
            assertThat(requests.path("warmup").asLong() + requests.path("measured").asLong())
                    .isEqualTo(requests.path("total").asLong());
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
            String verdict = r.saturated() ? "INCONCLUSIVE" : "PASSED";
            assertThat(Files.readString(out.resolve("report.html"))).contains("<svg id=\"chart\"", verdict);
            assertThat(r.out()).contains("verdict    " + verdict, "server     received");
            assertThat(r.err()).contains("[traffic]");
        }
    }

    /** [start, end] of every failed request of one class, in order of start. */
    private static List<long[]> spans(JsonNode report, String failureClass) {
        List<long[]> out = new ArrayList<>();
        for (JsonNode a : report.path("attributions")) {
            if (a.path("failureClass").asText().equals(failureClass)) {
                out.add(new long[] {a.path("startMs").asLong(), a.path("endMs").asLong()});
            }
        }
        out.sort((x, y) -> Long.compare(x[0], y[0]));
        return out;
    }

    /**
     * There is one clock offset d (Gatling's clock minus this host's), at most {@link #MAX_OFFSET_MS} either way, and
     * for each path a one-to-one assignment of server actions to client requests, such that every server action,
     * shifted by d, lies inside its own request's [start, end] (± 5 ms of rounding, and {@code slackMs}: how far the
     * wall clock moved against the monotonic one during the run, which parts Gatling's anchored clock from the
     * host's). The offsets tried are those that put some action on some request's edge: if any offset fits, one of
     * those does.
     */
    private static void assertOneOffsetExplainsEveryPair(List<List<Long>> serverTimes, List<List<long[]>> clientSpans,
            long slackMs) {
        long tolerance = 5 + slackMs;
        List<Long> offsets = new ArrayList<>();
        for (int p = 0; p < serverTimes.size(); p++) {
            assertThat(clientSpans.get(p)).hasSameSizeAs(serverTimes.get(p));
            for (long t : serverTimes.get(p)) {
                for (long[] span : clientSpans.get(p)) {
                    offsets.add(t - span[0] + tolerance);
                    offsets.add(t - span[1] - tolerance);
                }
            }
        }
        boolean fits = false;
        for (long d : offsets) {
            if (Math.abs(d) > MAX_OFFSET_MS) {
                continue;
            }
            boolean all = true;
            for (int p = 0; p < serverTimes.size() && all; p++) {
                all = assignable(serverTimes.get(p), clientSpans.get(p), d, tolerance);
            }
            if (all) {
                fits = true;
                break;
            }
        }
        assertThat(fits).as("one clock offset within %d ms and one assignment explain every server action inside its"
                + " request (server %s, client spans %s, tolerance %d ms)", MAX_OFFSET_MS, serverTimes,
                clientSpans.stream().map(l -> l.stream().map(Arrays::toString).toList()).toList(), tolerance).isTrue();
    }

    /**
     * The check above, on its own: overlapping requests served out of order fit (by order they would not: that
     * pairing failed a run at load 18), an action after its request ended does not.
     */
    @Test
    void theAssignmentOfServerActionsToRequestsIsFoundOrRefused() {
        List<long[]> spans = List.of(new long[] {0, 300}, new long[] {5, 7});
        assertThat(assignable(List.of(6L, 300L), spans, 0, 0)).isTrue();
        assertThat(assignable(List.of(6L, 400L), spans, 0, 0)).isFalse();
        assertThat(assignable(List.of(6L, 400L), spans, 100, 0)).as("shifted by 100 ms, 6 fits no request").isFalse();
        assertThat(assignable(List.of(106L, 400L), spans, 100, 0)).isTrue();
        assertThat(assignable(List.of(1L, 2L), spans, 0, 0)).as("two actions that only request A can hold").isFalse();
    }

    /** How far Gatling's anchored clock may sit from this host's: a starved anchoring, not another clock. */
    private static final long MAX_OFFSET_MS = 2_000;

    /**
     * Whether each time, shifted by -d, can be given its own span (widened by {@code tolerance}): times in order, each
     * to the open span that closes first — the greedy assignment of points to intervals, which finds one whenever
     * one exists.
     */
    static boolean assignable(List<Long> times, List<long[]> spans, long d, long tolerance) {
        List<long[]> byStart = new ArrayList<>(spans);
        byStart.sort((x, y) -> Long.compare(x[0], y[0]));
        PriorityQueue<long[]> open = new PriorityQueue<>((x, y) -> Long.compare(x[1], y[1]));
        int next = 0;
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        for (long t : sorted) {
            long at = t - d;
            while (next < byStart.size() && byStart.get(next)[0] - tolerance <= at) {
                open.add(byStart.get(next++));
            }
            if (!open.isEmpty() && open.peek()[1] + tolerance < at) {
                return false; // a request that ended before this action, and so before every later one: unserved
            }
            if (open.poll() == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * While a run goes on, sampled every 5 ms on a daemon thread: how far the wall clock moved against the monotonic
     * clock (NTP slewing or stepping it), and the longest a sleep of 5 ms overran (the machine was starved of CPU).
     * {@link #stop} gives the sum in ms, rounded up.
     */
    static final class ClockSlack {
        private volatile boolean running = true;
        private long min = Long.MAX_VALUE;
        private long max = Long.MIN_VALUE;
        private long overrunNs;
        private final Thread thread = new Thread(this::sample, "clock-slack");

        static ClockSlack watch() {
            ClockSlack d = new ClockSlack();
            d.thread.setDaemon(true);
            d.thread.start();
            return d;
        }

        private void sample() {
            while (running) {
                long gap = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
                long before = System.nanoTime();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
                long overrun = System.nanoTime() - before - 5_000_000L;
                synchronized (this) {
                    min = Math.min(min, gap);
                    max = Math.max(max, gap);
                    overrunNs = Math.max(overrunNs, overrun);
                }
            }
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join();
            synchronized (this) {
                // the millisecond tick of currentTimeMillis alone spreads the samples by up to 1 ms. The longest wait
                // for a core measured here stands for each of the two sides that stamp a pair: the server's thread
                // here and Gatling's in its JVM on the same cores (a server stamp late by it raises server - end, a
                // client start stamped late by it lowers server - start: seen 10 ms over one wait at load 18)
                return Math.max(0, (max - min + 999_999) / 1_000_000 - 1) + 2 * ((overrunNs + 999_999) / 1_000_000);
            }
        }
    }
}
