package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zerodrop.core.Undo;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.workload.Probe;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kubelet's probes on real processes: exec startup, tcpSocket readiness, httpGet liveness that fails. */
@Tag("slow")
class KubeletProbeTest {
    @TempDir
    Path dir;

    private static final String PROBES = """
            startupProbe: {exec: {command: ["bash", "-c", "exec 3<>/dev/tcp/$POD_IP/8080"]}, periodSeconds: 1,
              failureThreshold: 300}
            readinessProbe: {tcpSocket: {port: http}, periodSeconds: 1}
            livenessProbe:
              httpGet: {path: %s, port: http}
              initialDelaySeconds: 2
              periodSeconds: 1
              failureThreshold: 2
            """;

    private Workload workload(String livenessPath) throws Exception {
        return TargetAppWorkload.load(dir, "probed", 1, "immediate", PROBES.formatted(livenessPath), "");
    }

    @Test
    void probeKindsAreReadFromPlainYaml() throws Exception {
        Workload w = workload("/healthz");
        assertThat(w.startupProbe().orElseThrow().kind()).isEqualTo(Probe.EXEC);
        assertThat(w.readinessProbe().orElseThrow().kind()).isEqualTo(Probe.TCP);
        assertThat(w.readinessProbe().orElseThrow().port()).isEqualTo(8080);
        assertThat(w.livenessProbe().orElseThrow().describe()).isEqualTo("httpGet :8080/healthz");
        assertThat(w.service().orElseThrow().targetPort()).isEqualTo(8080);
    }

    @Test
    void aFailingLivenessProbeRestartsTheContainerInThePod() throws Exception {
        Workload w = workload("/no-such-path"); // 404: the liveness probe fails
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            LocalRuntime rt = new LocalRuntime(LocalSettings.defaults(1, dir.resolve("local")), timeline, undo);
            try {
                // exec startup (it listens) + tcpSocket readiness made it ready; the startup probe gives the JVM 300 s
                // (at load 18 its start took longer than the default 3 failures of 1 s, and it was restarted 26 times)
                rt.start(w, Duration.ofMinutes(5));
                String pod = rt.pods().get(0).name();
                await().atMost(Duration.ofMinutes(5)).until(() -> notes(timeline).stream()
                        .filter(n -> n.contains("and is restarted")).count() >= 2);
                List<String> notes = notes(timeline);
                assertThat(notes).anyMatch(n -> n.contains("liveness probe failed 2 times: restarting the container"));
                assertThat(timeline.events()).filteredOn(e -> e.type() == EventType.NOTE && !e.pod().isEmpty())
                        .isNotEmpty().allMatch(e -> e.pod().equals(pod));
                assertThat(rt.pods()).singleElement().satisfies(p -> assertThat(p.name()).isEqualTo(pod));
                assertThat(timeline.events()).noneMatch(e -> e.type() == EventType.CONTAINER_EXITED);
            } finally {
                rt.close();
            }
        }
    }

    private static List<String> notes(Timeline t) {
        return t.events().stream().filter(e -> e.type() == EventType.NOTE).map(TimelineEvent::detail).toList();
    }
}
