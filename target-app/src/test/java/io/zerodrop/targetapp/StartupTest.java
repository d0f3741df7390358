package io.zerodrop.targetapp;

import static io.zerodrop.testsupport.AppProcess.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.testsupport.AppProcess;
import io.zerodrop.testsupport.RawHttp;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StartupTest {
    private static final long STARTUP_MS = 1500;
    private static final long READY_MS = 1000;

    @Test
    void portIsClosedDuringStartupDelayAndReadinessFollowsReadyDelay() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (AppProcess app = AppProcess.start(env("PORT", String.valueOf(port),
                "STARTUP_DELAY_MS", String.valueOf(STARTUP_MS), "READY_DELAY_MS", String.valueOf(READY_MS)))) {
            long startedAt = app.awaitEvent("start", Duration.ofSeconds(20)).path("ts").asLong();
            assertThatThrownBy(() -> RawHttp.connect(port)).isInstanceOf(ConnectException.class);
            assertThat(app.hasEvent("listening")).isFalse();

            long listeningAt = app.awaitEvent("listening", Duration.ofSeconds(10)).path("ts").asLong();
            assertThat(listeningAt - startedAt).isGreaterThanOrEqualTo(STARTUP_MS);
            // listening, then ready after the delay: /healthz is 200 throughout, /readyz 503 until the ready event.
            // Which side of that event this request lands on is the machine's speed (a starved one answered 200: the
            // event came between a check and the request), so each answer is judged against when it was asked
            long askedAt = System.currentTimeMillis();
            int readyz;
            try (RawHttp c = RawHttp.connect(port)) {
                readyz = c.get("/readyz").status();
                assertThat(c.get("/healthz").status()).isEqualTo(200);
            }
            long answeredAt = System.currentTimeMillis();
            long readyAt = app.awaitEvent("ready", Duration.ofSeconds(10)).path("ts").asLong();
            if (readyz == 503) {
                assertThat(askedAt).as("not ready, asked before the ready event").isLessThanOrEqualTo(readyAt);
            } else {
                assertThat(readyz).isEqualTo(200);
                assertThat(readyAt).as("ready, answered after the ready event").isLessThanOrEqualTo(answeredAt);
            }
            assertThat(readyAt - listeningAt).isGreaterThanOrEqualTo(READY_MS);
            try (RawHttp c = RawHttp.connect(port)) {
                assertThat(c.get("/readyz").status()).isEqualTo(200);
            }
        }
    }
}
