package io.zerodrop.targetapp;

import static io.zerodrop.testsupport.AppProcess.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.testsupport.AppProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigTest {

    @Test
    void defaultsAreTheGoodBehaviour() throws Exception {
        Config c = Config.fromEnvironment(Map.of());
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(c.shutdownMode()).isEqualTo(ShutdownMode.GRACEFUL);
        assertThat(c.shutdownDelayMs()).isEqualTo(5000);
        assertThat(c.drainTimeoutMs()).isEqualTo(10000);
        assertThat(c.failReadinessOnTerm()).isTrue();
        assertThat(c.ledgerFile()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PORT|http|PORT=\"http\" is invalid: expected a whole number from 0 to 65535",
        "PORT|70000|PORT=\"70000\" is invalid: expected a whole number from 0 to 65535",
        "SHUTDOWN_MODE|nice|SHUTDOWN_MODE=\"nice\" is invalid: expected one of immediate, graceful, ignore",
        "READINESS_ON_TERM|maybe|READINESS_ON_TERM=\"maybe\" is invalid: expected one of fail, keep",
        "SHUTDOWN_DELAY_MS|-5|SHUTDOWN_DELAY_MS=\"-5\" is invalid: expected a whole number from 0 to 600000",
        "BIND|localhost|BIND=\"localhost\" is invalid: expected a literal IPv4 or IPv6 address",
        "LEDGER_FILE|/no/such/dir/ledger.json|LEDGER_FILE=\"/no/such/dir/ledger.json\" is invalid: expected a file path in an existing, writable directory",
    })
    void invalidValueIsNamedQuotedAndExplained(String variable, String value, String message) {
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void badConfigurationExitsWith2BeforeListening() throws Exception {
        try (AppProcess app = AppProcess.start(env("SHUTDOWN_MODE", "sometimes"))) {
            assertThat(app.awaitExit(Duration.ofSeconds(20))).isEqualTo(2);
            assertThat(app.stderr()).contains("SHUTDOWN_MODE=\"sometimes\"", "one of immediate, graceful, ignore",
                    "did not start");
            assertThat(app.eventNames()).isEmpty();
        }
    }
}
