package io.zerodrop.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import org.junit.jupiter.api.Test;

/** The runtimes as the commands find them: by name, from the providers on the class path. */
class RuntimeProviderTest {
    @Test
    void bothRuntimesAreFoundByNameAndAnUnknownNameIsAUsageErrorNamingThem() {
        assertThat(RuntimeProvider.all()).extracting(RuntimeProvider::name).containsExactly("kubernetes", "local");
        assertThat(RuntimeProvider.named("local").getClass().getName()).isEqualTo(
                "io.zerodrop.runtime.local.LocalProvider");
        assertThat(RuntimeProvider.named("kubernetes").getClass().getName()).isEqualTo(
                "io.zerodrop.runtime.kubernetes.KubernetesProvider");
        assertThatThrownBy(() -> RuntimeProvider.named("nomad")).isInstanceOfSatisfying(ZerodropException.class,
                e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE);
                    assertThat(e).hasMessage("--runtime \"nomad\" is invalid: expected kubernetes or local");
                });
    }
}
