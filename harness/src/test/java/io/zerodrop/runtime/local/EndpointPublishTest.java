package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.core.Undo;
import io.zerodrop.testsupport.HostTool;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.workload.ManifestLoader;
import io.zerodrop.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private static final String MANIFESTS = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: many}
            spec:
              replicas: 8
              selector: {matchLabels: {app: many}}
              template:
                metadata: {labels: {app: many}}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                    - name: app
                      image: zerodrop/target-app:dev
                      ports: [{name: http, containerPort: 8080}]
                      env: [{name: PORT, value: "8080"}, {name: SHUTDOWN_MODE, value: immediate}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: many}
            spec:
              selector: {app: many}
              ports: [{port: 80, targetPort: http}]
            """;

    @Test
    void everyReadyPodIsInTheKernelsRulesWhenTheyAllBecomeReadyAtOnce() throws Exception {
        if (!NetfilterFront.available()) {
            HostTool.require("iptables-as-root", "root with ip (iproute2) and iptables, for the netfilter Service mode");
        }
        Workload w = ManifestLoader.load(Files.writeString(dir.resolve("m.yaml"), MANIFESTS));
        try (Undo undo = new Undo()) {
            LocalRuntime rt = new LocalRuntime(LocalSettings.defaults(3, dir.resolve("local")).withServiceMode("netfilter"),
                    new Timeline(), undo);
            try {
                rt.start(w, Duration.ofSeconds(60));
                assertThat(rt.readyEndpoints()).hasSize(8);
                assertThat(rt.routed()).isEqualTo(rt.readyEndpoints());
                rt.deletePod(rt.pods().get(0).name(), 0L, "test"); // a deletion and a replacement's readiness at once
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> rt.awaitSettled(Duration.ofSeconds(1)));
                assertThat(rt.readyEndpoints()).hasSize(8);
                assertThat(rt.routed()).isEqualTo(rt.readyEndpoints());
            } finally {
                rt.close();
            }
        }
    }
}
