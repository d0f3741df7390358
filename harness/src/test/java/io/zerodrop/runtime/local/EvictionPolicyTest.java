package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zerodrop.core.Undo;
import io.zerodrop.runtime.Eviction;
import io.zerodrop.runtime.PodInfo;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * unhealthyPodEvictionPolicy with a budget that is not healthy (one of three pods not Ready, minAvailable 3):
 * IfHealthyBudget refuses to evict the not-Ready pod (429), AlwaysAllow evicts it; a Ready pod is refused either way.
 */
class EvictionPolicyTest {
    @TempDir
    Path dir;

    private static final String READINESS = """
            readinessProbe:
              exec: {command: ["sh", "-c", "test ! -f unready"]}
              periodSeconds: 1
              failureThreshold: 1
            """;
    private static final String BUDGET = """
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: guarded}
            spec:
              minAvailable: 3
              unhealthyPodEvictionPolicy: %s
              selector: {matchLabels: {app: guarded}}
            """;

    @ParameterizedTest
    @CsvSource({"IfHealthyBudget, 429", "AlwaysAllow, 201"})
    void theNotReadyPodIsEvictedOnlyWhenThePolicyAllowsIt(String policy, int expected) throws Exception {
        Workload w = TargetAppWorkload.load(dir, "guarded", 3, "immediate", READINESS, BUDGET.formatted(policy));
        try (Undo undo = new Undo()) {
            LocalRuntime rt = new LocalRuntime(LocalSettings.defaults(1, dir.resolve("local")), new Timeline(), undo);
            try {
                rt.start(w, Duration.ofSeconds(60));
                PodInfo sick = rt.pods().get(0);
                PodInfo healthy = rt.pods().get(1);
                Files.createFile(dir.resolve("local/pods").resolve(sick.name()).resolve("unready"));
                await().atMost(Duration.ofSeconds(10)).until(() -> rt.budget().orElseThrow().currentHealthy() == 2);

                Eviction e = rt.evict(sick.name(), "test");
                assertThat(e.status()).as(e.message()).isEqualTo(expected);
                if (expected == 429) {
                    assertThat(e.message()).contains("pod unhealthy, policy IfHealthyBudget", "currentHealthy 2",
                            "desiredHealthy 3");
                }
                assertThat(rt.evict(healthy.name(), "test").status()).as("a Ready pod: no disruption allowed")
                        .isEqualTo(429);
            } finally {
                rt.close();
            }
        }
    }
}
