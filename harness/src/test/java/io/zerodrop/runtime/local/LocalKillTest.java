package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zerodrop.core.Undo;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deletion with grace period 0 played as the kubelet plays it (its container kill path): no preStop, SIGTERM at
 * once, SIGKILL after the kubelet's minimum of 2 s only if the container still runs — so the local runtime and a
 * cluster tell the same story of a kill.
 */
@Tag("slow")
class LocalKillTest {
    @TempDir
    Path dir;

    private List<TimelineEvent> kill(String shutdownMode) throws Exception {
        Workload w = TargetAppWorkload.load(dir, "k-" + shutdownMode, 1, shutdownMode,
                "readinessProbe: {httpGet: {path: /readyz, port: http}, periodSeconds: 1}\n"
                        + "lifecycle: {preStop: {sleep: {seconds: 5}}}", "");
        Timeline timeline = new Timeline();
        try (Undo undo = new Undo()) {
            LocalRuntime rt = new LocalRuntime(LocalSettings.defaults(1, dir.resolve(shutdownMode))
                    .withServiceMode("userspace"), timeline, undo);
            try {
                rt.start(w, Duration.ofSeconds(60));
                String pod = rt.pods().get(0).name();
                rt.deletePod(pod, 0L, "kill-1");
                await().atMost(Duration.ofSeconds(30)).until(() -> timeline.events().stream()
                        .anyMatch(e -> e.type() == EventType.CONTAINER_EXITED && e.pod().equals(pod)));
                return timeline.forPod(pod);
            } finally {
                rt.close();
            }
        }
    }

    private static long at(List<TimelineEvent> events, EventType type) {
        return events.stream().filter(e -> e.type() == type).mapToLong(TimelineEvent::atMs).min().orElse(-1);
    }

    @Test
    void anAppThatStopsOnSigtermExitsOnItWithoutPreStopOrSigkill() throws Exception {
        List<TimelineEvent> e = kill("immediate");
        assertThat(e).extracting(TimelineEvent::type).as(e.toString())
                .contains(EventType.POD_MARKED_FOR_DELETION, EventType.SIGTERM_SENT, EventType.CONTAINER_EXITED)
                .doesNotContain(EventType.PRESTOP_STARTED, EventType.SIGKILL_SENT);
        assertThat(e).filteredOn(x -> x.type() == EventType.CONTAINER_EXITED).singleElement()
                .satisfies(x -> assertThat(x.attributesByKey()).containsEntry("exitCode", "143"));
        assertThat(e).filteredOn(x -> x.type() == EventType.POD_MARKED_FOR_DELETION).singleElement()
                .satisfies(x -> assertThat(x.attributesByKey()).containsEntry("graceSeconds", "0"));
    }

    @Test
    void anAppThatIgnoresSigtermIsKilledAfterTheKubeletsMinimumOfTwoSeconds() throws Exception {
        List<TimelineEvent> e = kill("ignore");
        long sigterm = at(e, EventType.SIGTERM_SENT);
        long sigkill = at(e, EventType.SIGKILL_SENT);
        assertThat(e).extracting(TimelineEvent::type).as(e.toString()).doesNotContain(EventType.PRESTOP_STARTED);
        assertThat(sigterm).as(e.toString()).isPositive();
        assertThat(sigkill - sigterm).as("SIGKILL no sooner than 2 s after SIGTERM").isGreaterThanOrEqualTo(2_000);
        assertThat(e).filteredOn(x -> x.type() == EventType.CONTAINER_EXITED).singleElement()
                .satisfies(x -> assertThat(x.attributesByKey()).containsEntry("exitCode", "137"));
    }
}
