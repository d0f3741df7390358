package io.zerodrop.targetapp;

import static io.zerodrop.testsupport.AppProcess.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.zerodrop.testsupport.AppProcess;
import io.zerodrop.testsupport.Metric;
import io.zerodrop.testsupport.RawHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GracefulShutdownTest {
    private static final long DELAY_MS = 1500;
    private static final long DRAIN_MS = 5000;

    @Test
    void servesThroughTheDelayThenRefusesClosesIdleAndDrainsInFlight(@TempDir Path dir) throws Exception {
        Path ledger = dir.resolve("ledger.json");
        Path termLog = dir.resolve("termination-log");
        try (AppProcess app = AppProcess.start(env("SHUTDOWN_MODE", "graceful",
                "SHUTDOWN_DELAY_MS", String.valueOf(DELAY_MS), "DRAIN_TIMEOUT_MS", String.valueOf(DRAIN_MS),
                "LEDGER_FILE", ledger.toString(), "TERMINATION_LOG", termLog.toString()))) {
            int port = app.awaitListening();
            app.awaitEvent("ready", Duration.ofSeconds(10));

            RawHttp idle = RawHttp.connect(port);
            assertThat(idle.get("/").header("connection")).isNull(); // keep-alive before SIGTERM
            List<RawHttp> busy = new ArrayList<>();
            List<CompletableFuture<RawHttp.Response>> inFlight = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                RawHttp c = RawHttp.connect(port);
                busy.add(c);
                inFlight.add(c.sendAsync("/work?ms=" + (DELAY_MS + 1000)));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Metric.read(port, "targetapp_requests_in_flight") == 2);

            app.sigterm();
            long sigtermAt = app.awaitEvent("sigterm", Duration.ofSeconds(5)).path("ts").asLong();

            // During the delay: still accepting and serving, readiness failing, answers ask to close.
            try (RawHttp during = RawHttp.connect(port)) {
                RawHttp.Response r = during.get("/");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("connection")).isEqualTo("close");
            }
            try (RawHttp probe = RawHttp.connect(port)) {
                assertThat(probe.get("/readyz").status()).isEqualTo(503);
            }
            assertThat(app.hasEvent("stop_accepting")).isFalse();

            long stopAt = app.awaitEvent("stop_accepting", Duration.ofSeconds(5)).path("ts").asLong();
            // not before the shutdown delay (its timer starts as the signal is handled, a few ms after the event)
            assertThat(stopAt - sigtermAt).isGreaterThanOrEqualTo(DELAY_MS - 50);
            assertThatThrownBy(() -> RawHttp.connect(port)).isInstanceOf(ConnectException.class);
            assertThat(idle.closedByPeerWithin(Duration.ofSeconds(2))).isTrue();
            assertThat(app.awaitEvent("idle_closed", Duration.ofSeconds(2)).path("connections").asInt()).isEqualTo(1);

            for (CompletableFuture<RawHttp.Response> f : inFlight) {
                RawHttp.Response r = f.get(10, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("connection")).isEqualTo("close");
            }
            assertThat(app.awaitExit(Duration.ofMillis(DELAY_MS + DRAIN_MS + 2000))).isZero();
            long exitAt = app.awaitEvent("exit", Duration.ofSeconds(1)).path("ts").asLong();
            // in order: stop accepting, then exit once the in-flight requests above were answered
            assertThat(exitAt).isGreaterThanOrEqualTo(stopAt);

            JsonNode doc = AppProcess.readLedger(ledger);
            assertThat(doc.path("final").asBoolean()).isTrue();
            JsonNode r = doc.path("requests");
            assertThat(r.path("received").asLong()).isEqualTo(4);
            assertThat(r.path("ok").asLong()).isEqualTo(4);
            assertThat(r.path("cut").asLong()).isZero();
            assertThat(doc.path("connections").path("closedIdleAtShutdown").asLong()).isEqualTo(1);
            assertThat(Files.readString(termLog)).startsWith("target-app exit=0 reason=sigterm-graceful")
                    .contains("ok=4", "cut=0").endsWith("\n").hasLineCount(1);
            idle.close();
            for (RawHttp c : busy) {
                c.close();
            }
        }
    }

    @Test
    void requestsLongerThanTheDrainTimeoutAreCutAndCounted(@TempDir Path dir) throws Exception {
        Path ledger = dir.resolve("ledger.json");
        try (AppProcess app = AppProcess.start(env("SHUTDOWN_MODE", "graceful", "SHUTDOWN_DELAY_MS", "0",
                "DRAIN_TIMEOUT_MS", "500", "LEDGER_FILE", ledger.toString()))) {
            int port = app.awaitListening();
            RawHttp slow = RawHttp.connect(port);
            slow.send("/work?ms=8000");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Metric.read(port, "targetapp_requests_in_flight") == 1);

            app.sigterm();
            assertThat(app.awaitExit(Duration.ofSeconds(5))).isZero();
            assertThatThrownBy(slow::read).isInstanceOf(IOException.class);
            assertThat(app.awaitEvent("drained", Duration.ofSeconds(1)).path("inFlightLeft").asInt()).isEqualTo(1);
            JsonNode r = AppProcess.readLedger(ledger).path("requests");
            assertThat(r.path("cut").asLong()).isEqualTo(1);
            assertThat(r.path("ok").asLong()).isZero();
            slow.close();
        }
    }
}
