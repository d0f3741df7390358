package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.core.Undo;
import io.zerodrop.testsupport.HostTool;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Endpoint changes that arrive together (pods without a readiness probe are all Ready the moment they start) must
 * all reach the kernel's rules: a change applied out of order once left a Ready pod out of rotation for a whole run,
 * and a naive run then dropped nothing.
 */
class EndpointPublishTest {
    @TempDir
    Path dir;

    @Test
    void everyReadyPodIsInTheKernelsRulesWhenTheyAllBecomeReadyAtOnce() throws Exception {
        if (!NetfilterFront.available()) {
            HostTool.require("iptables-as-root", "root with ip (iproute2) and iptables, for the netfilter Service mode");
        }
        Workload w = TargetAppWorkload.load(dir, "many", 8, "immediate", "", "");
        try (Undo undo = new Undo()) {
            LocalRuntime rt = new LocalRuntime(LocalSettings.defaults(3, dir.resolve("local")).withServiceMode("netfilter"),
                    new Timeline(), undo);
            try {
                rt.start(w, Duration.ofSeconds(60));
                assertThat(rt.readyEndpoints()).hasSize(8);
                assertThat(rt.routed()).isEqualTo(rt.readyEndpoints());
                rt.deletePod(rt.pods().get(0).name(), 0L, "test"); // a deletion and a replacement's readiness at once
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> rt.awaitSettled(Duration.ofSeconds(1)));
                assertThat(rt.readyEndpoints()).hasSize(8);
                assertThat(rt.routed()).isEqualTo(rt.readyEndpoints());
            } finally {
                rt.close();
            }
        }
    }
}
