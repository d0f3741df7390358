package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zerodrop.testsupport.AppProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C in the middle of a run: zerodrop's undo stops the forked Gatling JVM; nothing is left running. */
class TrafficAbortTest {

    @TempDir
    Path dir;

    private static String cmdline(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline")).replace('\0', ' ');
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void sigintStopsTheGatlingJvmAndLeavesNoProcessBehind() throws Exception {
        try (AppProcess app = AppProcess.start(AppProcess.env())) {
            int port = app.awaitListening();
            Path err = dir.resolve("err.txt");
            Process zerodrop = new ProcessBuilder(io.zerodrop.testsupport.ChildJvm.command(java.util.List.of(),
                    Zerodrop.class.getName(), "traffic", "--url", "http://127.0.0.1:" + port + "/", "--rate", "20",
                    "--warmup", "0s", "--duration", "120s", "--no-gatling-report", "--out", dir.resolve("out").toString()))
                    .redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(err).contains("[traffic]"));
                List<ProcessHandle> gatling = zerodrop.toHandle().descendants()
                        .filter(p -> cmdline(p).contains("io.gatling.app.Gatling")).toList();
                assertThat(gatling).hasSize(1);

                new ProcessBuilder("kill", "-INT", String.valueOf(zerodrop.pid())).start().waitFor();
                assertThat(zerodrop.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(zerodrop.exitValue()).isEqualTo(130);
                await().atMost(Duration.ofSeconds(10)).until(() -> !gatling.get(0).isAlive());
                assertThat(zerodrop.toHandle().descendants().count()).isZero();
            } finally {
                zerodrop.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                zerodrop.destroyForcibly();
            }
        }
    }
}
