package io.zerodrop.targetapp;

import static io.zerodrop.testsupport.AppProcess.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.zerodrop.testsupport.AppProcess;
import io.zerodrop.testsupport.RawHttp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IgnoreModeTest {

    @Test
    void keepsServingAfterSigtermUntilSigkillWhichTheParentSeesAs137(@TempDir Path dir) throws Exception {
        Path ledger = dir.resolve("ledger.json");
        try (AppProcess app = AppProcess.start(env("SHUTDOWN_MODE", "ignore", "LEDGER_FILE", ledger.toString(),
                "LEDGER_FLUSH_MS", "50"))) {
            int port = app.awaitListening();
            app.awaitEvent("ready", Duration.ofSeconds(10));

            app.sigterm();
            assertThat(app.awaitEvent("sigterm", Duration.ofSeconds(5)).path("action").asText()).isEqualTo("ignored");
            try (RawHttp c = RawHttp.connect(port)) {
                assertThat(c.get("/").status()).isEqualTo(200);
            }
            try (RawHttp c = RawHttp.connect(port)) {
                assertThat(c.get("/readyz").status()).isEqualTo(200);
            }
            assertThat(app.isAlive()).isTrue();

            RawHttp slow = RawHttp.connect(port);
            slow.send("/work?ms=30000");
            // The last periodic snapshot before the kill is what survives; wait until it shows the request.
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                JsonNode r = AppProcess.readLedger(ledger).path("requests");
                return r.path("inFlight").asLong() == 1;
            });

            app.sigkill();
            assertThat(app.awaitExit(Duration.ofSeconds(5))).isEqualTo(137);
            assertThatThrownBy(slow::read).isInstanceOf(IOException.class);
            slow.close();

            // SIGKILL leaves no last word: the ledger is the last snapshot, not final, with the request in flight.
            JsonNode doc = AppProcess.readLedger(ledger);
            assertThat(doc.path("final").asBoolean()).isFalse();
            assertThat(doc.path("exit").isNull()).isTrue();
            assertThat(doc.path("sigtermAtMs").asLong()).isPositive();
            JsonNode r = doc.path("requests");
            assertThat(r.path("received").asLong()).isEqualTo(2);
            assertThat(r.path("ok").asLong()).isEqualTo(1);
            assertThat(r.path("inFlight").asLong()).isEqualTo(1);
            assertThat(r.path("cut").asLong()).isZero();
            assertThat(app.hasEvent("exit")).isFalse();
        }
    }
}
