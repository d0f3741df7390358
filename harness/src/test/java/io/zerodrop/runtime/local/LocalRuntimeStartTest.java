package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting the workload: from a relative output directory (the demo's default), and a container that cannot start.
 * The readiness probe makes start() return only once the app really serves, so it proves the app accepted its env.
 */
@Tag("slow")
class LocalRuntimeStartTest {
    @TempDir
    Path dir;

    private Workload workload(String shutdownMode) throws Exception {
        return TargetAppWorkload.load(dir, "one", 2, shutdownMode,
                "readinessProbe: {httpGet: {path: /readyz, port: http}, periodSeconds: 1}", "");
    }

    @Test
    void aRelativeWorkDirectoryStillGivesEveryPodAWorkingLedgerPath() throws Exception {
        Workload w = workload("immediate");
        Path cwd = Path.of("").toAbsolutePath();
        Path relative = cwd.relativize(dir.resolve("out/local"));
        assertThat(relative.isAbsolute()).isFalse();
        try (Undo undo = new Undo()) {
            LocalRuntime rt = new LocalRuntime(LocalSettings.defaults(1, relative).withServiceMode("userspace"),
                    new Timeline(), undo);
            try {
                rt.start(w, Duration.ofSeconds(60));
                assertThat(rt.pods()).hasSize(2);
            } finally {
                rt.close();
            }
            assertThat(rt.ledgers()).hasSize(2).allSatisfy(l -> assertThat(l).isAbsolute().startsWith(dir));
        }
    }

    @Test
    void aContainerThatExitsAtStartFailsTheStartAtOnceWithItsOwnMessage() throws Exception {
        Workload w = workload("sometimes");
        try (Undo undo = new Undo()) {
            LocalRuntime rt = new LocalRuntime(LocalSettings.defaults(1, dir.resolve("local")).withServiceMode("userspace"),
                    new Timeline(), undo);
            try {
                assertThatThrownBy(() -> rt.start(w, Duration.ofSeconds(60)))
                        .isInstanceOfSatisfying(ZerodropException.class,
                                e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT))
                        .hasMessageContaining("the workload cannot start")
                        .hasMessageContaining("SHUTDOWN_MODE=\"sometimes\"")
                        .hasMessageContaining("container exited with code 2")
                        // ended by the exit it saw, not by the 60 s timeout
                        .hasMessageNotContaining("start budget");
            } finally {
                rt.close();
            }
        }
    }

    @Test
    void aWorkloadThatNeverGetsReadyEndsWhenItsStartBudgetRunsOutNamingThePodsStillPending() throws Exception {
        Workload w = TargetAppWorkload.load(dir, "never", 2, "immediate",
                "readinessProbe: {httpGet: {path: /no-such-path, port: http}, periodSeconds: 1}", "");
        try (Undo undo = new Undo()) {
            LocalRuntime rt = new LocalRuntime(LocalSettings.defaults(1, dir.resolve("local")).withServiceMode("userspace"),
                    new Timeline(), undo);
            try {
                assertThatThrownBy(() -> rt.start(w, Duration.ofSeconds(5)))
                        .isInstanceOfSatisfying(ZerodropException.class,
                                e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT))
                        .hasMessageContaining("the workload was not ready after the start budget of 5 s")
                        .hasMessageContaining("--start-budget")
                        .hasMessageContaining("0 of 2 pods ready; still pending: ")
                        .satisfies(e -> assertThat(rt.pods()).hasSize(2).allSatisfy(p -> assertThat(e.getMessage())
                                .contains(p.name())));
            } finally {
                rt.close();
            }
        }
    }
}
