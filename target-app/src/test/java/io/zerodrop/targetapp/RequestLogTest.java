package io.zerodrop.targetapp;

import static io.zerodrop.testsupport.AppProcess.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zerodrop.testsupport.AppProcess;
import io.zerodrop.testsupport.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REQUEST_LOG_FILE: each request with an id is logged as it arrives and as it settles, and SIGKILL loses nothing. */
class RequestLogTest {
    @TempDir
    Path dir;

    private static String id(String v) {
        return "X-Zerodrop-Request-Id: " + v + "\r\n";
    }

    @Test
    void arrivalsAndSettlementsAreLoggedByIdAndSurviveSigkill() throws Exception {
        Path log = dir.resolve("requests.log");
        try (AppProcess app = AppProcess.start(env("SHUTDOWN_MODE", "ignore", "REQUEST_LOG_FILE", log.toString()))) {
            int port = app.awaitListening();
            try (RawHttp c = RawHttp.connect(port)) {
                c.send("/", id("run1-0"));
                assertThat(c.read().status()).isEqualTo(200);
                c.send("/nowhere", id("run1-1"));
                assertThat(c.read().status()).isEqualTo(404);
                c.send("/", id("bad id!"));  // not an id zerodrop sends: served, not logged
                assertThat(c.read().status()).isEqualTo(200);
                c.send("/");                  // no id at all: served, not logged
                assertThat(c.read().status()).isEqualTo(200);
            }
            RawHttp slow = RawHttp.connect(port);
            slow.send("/work?ms=30000", id("run1-2"));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("R run1-2 "));
            app.sigkill();
            assertThat(app.awaitExit(Duration.ofSeconds(5))).isEqualTo(137);
            slow.close();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).matches("R run1-0 \\d{13}");
        assertThat(lines.get(1)).matches("S run1-0 \\d{13} OK 200");
        assertThat(lines.get(2)).matches("R run1-1 \\d{13}");
        assertThat(lines.get(3)).matches("S run1-1 \\d{13} ERROR 404");
        assertThat(lines.get(4)).as("in flight at SIGKILL: arrived, never settled").matches("R run1-2 \\d{13}");
    }

    @Test
    void anImmediateShutdownLogsTheRequestsItCuts() throws Exception {
        Path log = dir.resolve("requests.log");
        try (AppProcess app = AppProcess.start(env("SHUTDOWN_MODE", "immediate", "REQUEST_LOG_FILE", log.toString()))) {
            int port = app.awaitListening();
            RawHttp slow = RawHttp.connect(port);
            slow.send("/work?ms=30000", id("r-7"));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("R r-7 "));
            app.sigterm();
            assertThat(app.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);
            slow.close();
        }
        assertThat(Files.readAllLines(log)).hasSize(2).last().asString().matches("S r-7 \\d{13} CUT 0");
    }
}
