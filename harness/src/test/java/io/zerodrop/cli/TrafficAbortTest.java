package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.testsupport.AppProcess;
import io.zerodrop.testsupport.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Tag;

/** Ctrl-C in the middle of a run: zerodrop's undo stops the forked Gatling JVM; nothing is left running. */
@Tag("slow")
class TrafficAbortTest {

    @TempDir
    Path dir;

    private static String cmdline(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGINT (Ctrl-C) exits 130, SIGTERM (a CI runner's cancel) 143; both stop everything and report. */
    @ParameterizedTest
    @CsvSource({"INT, 130", "TERM, 143"})
    void aSignalStopsTheGatlingJvmLeavesNoProcessBehindAndReportsWhatWasMeasured(String signal, int exitCode)
            throws Exception {
        try (AppProcess app = AppProcess.start(AppProcess.env())) {
            int port = app.awaitListening();
            Path err = dir.resolve("err.txt");
            Process zerodrop = new ProcessBuilder(ChildJvm.command(List.of(),
                    Zerodrop.class.getName(), "traffic", "--url", "http://127.0.0.1:" + port + "/", "--rate", "20",
                    "--warmup", "0s", "--duration", "120s", "--no-gatling-report", "--out", dir.resolve("out").toString()))
                    .redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
            try {
                // some requests are in the simulation.log (the progress line counts what it read from there)
                // a starved machine (a CI runner beside other runs) may take minutes to start the Gatling JVM
                await().atMost(Duration.ofMinutes(5)).until(() -> !zerodrop.isAlive()
                        || Pattern.compile("sent [1-9]\\d* ok").matcher(Files.readString(err)).find());
                assertThat(zerodrop.isAlive()).as("traffic ended before it sent anything\n" + Files.readString(err))
                        .isTrue();
                List<ProcessHandle> gatling = zerodrop.toHandle().descendants()
                        .filter(p -> cmdline(p).contains("io.gatling.app.Gatling")).toList();
                assertThat(gatling).hasSize(1);

                new ProcessBuilder("kill", "-" + signal, String.valueOf(zerodrop.pid())).start().waitFor();
                assertThat(zerodrop.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(zerodrop.exitValue()).as(Files.readString(err)).isEqualTo(exitCode);
                // like run: what was measured before the signal is reported, in every format
                Path out = dir.resolve("out");
                JsonNode report = new ObjectMapper()
                        .readTree(out.resolve("report.json").toFile());
                ReportSchema.assertValid(report);
                assertThat(report.path("verdict").path("status").asText()).isEqualTo("ERROR");
                assertThat(report.path("verdict").path("reasons").get(0).asText()).startsWith("traffic interrupted");
                assertThat(report.path("requests").path("measured").asLong()).as(Files.readString(err)).isPositive();
                assertThat(Files.readString(out.resolve("junit.xml"))).contains("traffic interrupted");
                assertThat(out.resolve("report.html")).exists();
                await().atMost(Duration.ofSeconds(10)).until(() -> !gatling.get(0).isAlive());
                assertThat(zerodrop.toHandle().descendants().count()).isZero();
            } finally {
                zerodrop.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                zerodrop.destroyForcibly();
            }
        }
    }
}
