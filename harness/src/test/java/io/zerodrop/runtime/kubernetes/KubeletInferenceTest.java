package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** preStop, SIGTERM and SIGKILL placed from what the API shows, each marked as inferred with its basis. */
class KubeletInferenceTest {
    private static PodBuilder pod(Long grace, Long deletionGrace) {
        return new PodBuilder().withNewMetadata().withName("web-1").withDeletionGracePeriodSeconds(deletionGrace)
                .endMetadata().withNewSpec().withTerminationGracePeriodSeconds(grace).addNewContainer().withName("web")
                .endContainer().endSpec();
    }

    private static Pod withExec(Long grace, String... command) {
        return pod(grace, null).editSpec().editFirstContainer().withNewLifecycle().withNewPreStop().withNewExec()
                .withCommand(command).endExec().endPreStop().endLifecycle().endContainer().endSpec().build();
    }

    @Test
    void withoutPreStopSigtermIsSentWhenTheDeletionIsSeen() {
        List<TimelineEvent> e = KubeletInference.onDeletion(pod(30L, null).build(), 5_000, "delete-1");
        assertThat(e).singleElement().satisfies(t -> {
            assertThat(t.type()).isEqualTo(EventType.SIGTERM_SENT);
            assertThat(t.atMs()).isEqualTo(5_000);
            assertThat(t.disruption()).isEqualTo("delete-1");
            assertThat(t.detail()).isEqualTo("SIGTERM (inferred: not visible through the API)");
            assertThat(t.attribute(Attribute.INFERRED)).startsWith("no preStop hook");
        });
    }

    /**
     * A deletion with grace period 0 (a kill): the kubelet's container kill runs a preStop only with grace left
     * ({@code gracePeriod > 0}), sends SIGTERM, and gives the container its minimum of 2 s before SIGKILL.
     */
    @Test
    void aGraceZeroDeletionRunsNoPreStopSendsSigtermAtOnceAndKillsTwoSecondsLater() {
        Pod p = new PodBuilder(withExec(30L, "sleep", "5")).editMetadata().withDeletionGracePeriodSeconds(0L)
                .endMetadata().build();
        List<TimelineEvent> e = KubeletInference.onDeletion(p, 5_000, "kill-1");
        assertThat(e).extracting(TimelineEvent::type, TimelineEvent::atMs).containsExactly(
                Tuple.tuple(EventType.SIGTERM_SENT, 5_000L));
        assertThat(e.get(0).attribute(Attribute.INFERRED)).contains("grace period 0", "SIGKILL 2 s later");
        assertThat(KubeletInference.onExit(p, 5_000, 137, 9_000, "kill-1")).get().satisfies(t -> {
            assertThat(t.type()).isEqualTo(EventType.SIGKILL_SENT);
            assertThat(t.atMs()).isEqualTo(7_000);
            assertThat(t.attribute(Attribute.INFERRED)).contains("2 s (the kubelet's minimum grace)");
        });
        assertThat(KubeletInference.onExit(p, 5_000, 137, 6_000, "kill-1")).get().extracting(TimelineEvent::atMs)
                .as("seen exiting sooner: killed by then").isEqualTo(6_000L);
        assertThat(KubeletInference.onExit(p, 5_000, 143, 5_300, "kill-1")).as("it exited on SIGTERM").isEmpty();
    }

    @Test
    void aSleepingPreStopOfKnownLengthDelaysSigtermByItsLength() {
        Pod native_ = pod(30L, null).editSpec().editFirstContainer().withNewLifecycle().withNewPreStop().withNewSleep()
                .withSeconds(5L).endSleep().endPreStop().endLifecycle().endContainer().endSpec().build();
        for (Pod p : List.of(native_, withExec(30L, "sleep", "5"), withExec(30L, "/bin/sh", "-c", "sleep 5"))) {
            List<TimelineEvent> e = KubeletInference.onDeletion(p, 5_000, "d");
            assertThat(e).extracting(TimelineEvent::type, TimelineEvent::atMs).containsExactly(
                    Tuple.tuple(EventType.PRESTOP_STARTED, 5_000L),
                    Tuple.tuple(EventType.PRESTOP_ENDED, 10_000L),
                    Tuple.tuple(EventType.SIGTERM_SENT, 10_000L));
            assertThat(e).allSatisfy(t -> assertThat(t.attribute(Attribute.INFERRED)).isEqualTo(
                    "preStop sleeps 5 s, counted from the deletion zerodrop saw"));
        }
    }

    @Test
    void aPreStopLongerThanTheGracePeriodIsCutAtIt() {
        // the request's own grace (deletionGracePeriodSeconds 3) wins over the pod's 30
        Pod p = new PodBuilder(withExec(30L, "sleep", "10")).editMetadata().withDeletionGracePeriodSeconds(3L)
                .endMetadata().build();
        List<TimelineEvent> e = KubeletInference.onDeletion(p, 1_000, "d");
        assertThat(e).filteredOn(t -> t.type() == EventType.SIGTERM_SENT).singleElement()
                .satisfies(t -> assertThat(t.atMs()).isEqualTo(4_000));
        // killed: 3 s grace + 2 s for the overrunning preStop, unless the exit was seen sooner
        assertThat(KubeletInference.onExit(p, 1_000, 137, 9_000, "d")).get().satisfies(t -> {
            assertThat(t.type()).isEqualTo(EventType.SIGKILL_SENT);
            assertThat(t.atMs()).isEqualTo(6_000);
            assertThat(t.attribute(Attribute.INFERRED)).contains("3 s (+2 s for the overrunning preStop)");
        });
        assertThat(KubeletInference.onExit(p, 1_000, 137, 5_100, "d")).get().extracting(TimelineEvent::atMs)
                .isEqualTo(5_100L);
    }

    @Test
    void aPreStopOfUnknownLengthLeavesSigtermUnplacedUntilAFailedHookBoundsIt() {
        Pod p = pod(30L, null).editSpec().editFirstContainer().withNewLifecycle().withNewPreStop().withNewHttpGet()
                .withPath("/drain").endHttpGet().endPreStop().endLifecycle().endContainer().endSpec().build();
        assertThat(KubeletInference.onDeletion(p, 500, "d")).extracting(TimelineEvent::type)
                .containsExactly(EventType.PRESTOP_STARTED);
        assertThat(KubeletInference.onDeletion(withExec(30L, "/drain.sh"), 500, "d")).extracting(TimelineEvent::type)
                .containsExactly(EventType.PRESTOP_STARTED);
        assertThat(KubeletInference.onFailedPreStopHook("web-1", 700, "d")).extracting(TimelineEvent::type,
                TimelineEvent::atMs).containsExactly(Tuple.tuple(EventType.PRESTOP_ENDED, 700L),
                Tuple.tuple(EventType.SIGTERM_SENT, 700L));
    }

    @Test
    void onlyAnExit137AfterTheDeletionIsAKill() {
        Pod p = pod(30L, null).build();
        assertThat(KubeletInference.onExit(p, 1_000, 143, 2_000, "d")).isEmpty();
        assertThat(KubeletInference.onExit(p, -1, 137, 2_000, "d")).as("not deleted: OOM or liveness").isEmpty();
        assertThat(KubeletInference.onExit(p, 1_000, 137, 40_000, "d")).get().extracting(TimelineEvent::atMs)
                .isEqualTo(31_000L);
    }
}
