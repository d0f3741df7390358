package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.Undo;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.workload.ManifestLoader;
import io.zerodrop.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting the workload: from a relative output directory (the demo's default), and a container that cannot start.
 * The readiness probe makes start() return only once the app really serves, so it proves the app accepted its env.
 */
class LocalRuntimeStartTest {
    @TempDir
    Path dir;

    private static final String MANIFESTS = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: one}
            spec:
              replicas: 2
              selector: {matchLabels: {app: one}}
              template:
                metadata: {labels: {app: one}}
                spec:
                  containers:
                    - name: app
                      image: zerodrop/target-app:dev
                      ports: [{name: http, containerPort: 8080}]
                      env: [{name: PORT, value: "8080"}, {name: SHUTDOWN_MODE, value: %s}]
                      readinessProbe: {httpGet: {path: /readyz, port: http}, periodSeconds: 1}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: one}
            spec:
              selector: {app: one}
              ports: [{port: 80, targetPort: http}]
            """;

    @Test
    void aRelativeWorkDirectoryStillGivesEveryPodAWorkingLedgerPath() throws Exception {
        Workload w = ManifestLoader.load(Files.writeString(dir.resolve("m.yaml"), MANIFESTS.formatted("immediate")));
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
        Workload w = ManifestLoader.load(Files.writeString(dir.resolve("m.yaml"), MANIFESTS.formatted("sometimes")));
        try (Undo undo = new Undo()) {
            LocalRuntime rt = new LocalRuntime(LocalSettings.defaults(1, dir.resolve("local")).withServiceMode("userspace"),
                    new Timeline(), undo);
            long t0 = System.currentTimeMillis();
            try {
                assertThatThrownBy(() -> rt.start(w, Duration.ofSeconds(60)))
                        .isInstanceOfSatisfying(ZerodropException.class,
                                e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.ENVIRONMENT))
                        .hasMessageContaining("the workload cannot start")
                        .hasMessageContaining("SHUTDOWN_MODE=\"sometimes\"");
            } finally {
                rt.close();
            }
            assertThat(System.currentTimeMillis() - t0).as("not the 60 s timeout").isLessThan(30_000);
        }
    }
}
