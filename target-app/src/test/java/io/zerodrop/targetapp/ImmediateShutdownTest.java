package io.zerodrop.targetapp;

import static io.zerodrop.testsupport.AppProcess.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.zerodrop.testsupport.AppProcess;
import io.zerodrop.testsupport.Metric;
import io.zerodrop.testsupport.RawHttp;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImmediateShutdownTest {

    @Test
    void sigtermCutsInFlightRequestsAndIdleConnectionsAndTheLedgerAgrees(@TempDir Path dir) throws Exception {
        Path ledger = dir.resolve("ledger.json");
        try (AppProcess app = AppProcess.start(env("SHUTDOWN_MODE", "immediate", "LEDGER_FILE", ledger.toString()))) {
            int port = app.awaitListening();

            List<RawHttp> idle = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                RawHttp c = RawHttp.connect(port);
                assertThat(c.get("/").status()).isEqualTo(200);
                idle.add(c);
            }
            List<RawHttp> busy = new ArrayList<>();
            List<CompletableFuture<RawHttp.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RawHttp c = RawHttp.connect(port);
                busy.add(c);
                answers.add(c.sendAsync("/work?ms=10000"));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Metric.read(port, "targetapp_requests_in_flight") == 3);

            app.sigterm();
            assertThat(app.awaitExit(Duration.ofSeconds(10))).isEqualTo(143);

            for (CompletableFuture<RawHttp.Response> a : answers) {
                assertThat(a).failsWithin(5, TimeUnit.SECONDS);
            }
            for (RawHttp c : idle) {
                assertThat(c.closedByPeerWithin(Duration.ofSeconds(2))).isTrue();
            }
            assertThatThrownBy(() -> RawHttp.connect(port)).isInstanceOf(ConnectException.class);

            JsonNode doc = AppProcess.readLedger(ledger);
            assertThat(doc.path("final").asBoolean()).isTrue();
            assertThat(doc.path("exit").path("exitCode").asInt()).isEqualTo(143);
            JsonNode r = doc.path("requests");
            assertThat(r.path("received").asLong()).isEqualTo(5);
            assertThat(r.path("ok").asLong()).isEqualTo(2);
            assertThat(r.path("cut").asLong()).isEqualTo(3);
            assertThat(r.path("inFlight").asLong()).isZero();
            assertThat(app.eventNames()).containsSubsequence("start", "listening", "ready", "sigterm", "exit");
            for (RawHttp c : idle) {
                c.close();
            }
            for (RawHttp c : busy) {
                c.close();
            }
        }
    }
}
