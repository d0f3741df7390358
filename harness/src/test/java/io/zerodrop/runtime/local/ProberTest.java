package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.testsupport.AppProcess;
import io.zerodrop.workload.Probe;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every probe and hook action against a real target-app process and real commands. */
class ProberTest {
    @TempDir
    Path dir;

    private static Probe http(int port, String path) {
        return new Probe(Probe.HTTP, path, port, List.of(), 0, 0, 1, 1, 1, 1);
    }

    @Test
    void httpGetTcpSocketExecAndSleepBehaveAsTheKubeletsDo() throws Exception {
        try (AppProcess app = AppProcess.start(AppProcess.env());
                ServerSocket free = new ServerSocket(0)) {
            int port = app.awaitListening();
            int closed = free.getLocalPort();
            free.close();
            // timeouts generous where the probe must succeed: a starved machine answers late, not wrongly
            assertThat(Prober.check(http(port, "/healthz"), "127.0.0.1", 30_000, Map.of(), dir, List.of())).isTrue();
            assertThat(Prober.check(http(port, "/no-such"), "127.0.0.1", 1000, Map.of(), dir, List.of()))
                    .as("404 is a failure").isFalse();
            assertThat(Prober.check(http(closed, "/"), "127.0.0.1", 1000, Map.of(), dir, List.of())).isFalse();
            Probe tcp = new Probe(Probe.TCP, "", port, List.of(), 0, 0, 1, 1, 1, 1);
            assertThat(Prober.check(tcp, "127.0.0.1", 30_000, Map.of(), dir, List.of())).isTrue();
            Probe tcpClosed = new Probe(Probe.TCP, "", closed, List.of(), 0, 0, 1, 1, 1, 1);
            assertThat(Prober.check(tcpClosed, "127.0.0.1", 1000, Map.of(), dir, List.of())).isFalse();
        }
        Probe ok = new Probe(Probe.EXEC, "", 0, List.of("sh", "-c", "test \"$X\" = yes"), 0, 0, 1, 1, 1, 1);
        assertThat(Prober.check(ok, "", 30_000, Map.of("X", "yes"), dir, List.of())).as("the pod's env").isTrue();
        assertThat(Prober.check(ok, "", 2000, Map.of("X", "no"), dir, List.of())).isFalse();
        Probe slow = new Probe(Probe.EXEC, "", 0, List.of("sleep", "120"), 0, 0, 1, 1, 1, 1);
        long t = System.nanoTime();
        assertThat(Prober.check(slow, "", 300, Map.of(), dir, List.of())).as("killed at its timeout").isFalse();
        // killed, not waited for: had it run to its end it would have taken its 120 s
        assertThat((System.nanoTime() - t) / 1_000_000).isLessThan(120_000);

        Probe sleep = new Probe(Probe.SLEEP, "", 0, List.of(), 1, 0, 0, 0, 0, 0);
        t = System.nanoTime();
        assertThat(Prober.check(sleep, "", 120_000, Map.of(), dir, List.of())).isTrue();
        // slept its second (never less), and was not held to the 120 s timeout
        assertThat((System.nanoTime() - t) / 1_000_000).isBetween(1_000L, 119_999L);
        assertThat(Prober.check(sleep, "", 200, Map.of(), dir, List.of())).as("cut by the grace period").isFalse();
    }
}
