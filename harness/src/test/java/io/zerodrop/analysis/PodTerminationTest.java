package io.zerodrop.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One pod's termination read from the timeline in the order a real API server's watches deliver it. */
class PodTerminationTest {
    static final long T = 1_800_000_000_000L;

    /**
     * A pod born during the run (a scale-up): the EndpointSlice controller lists it not ready as soon as it has an
     * IP, then ready; scaled down later, it leaves rotation when the slice says terminating, not at its birth.
     */
    @Test
    void aPodBornDuringTheRunLeavesRotationAfterItsDeletionNotAtItsBirth() {
        List<TimelineEvent> events = List.of(
                TimelineEvent.of(T, EventType.ENDPOINT_NOT_READY, "web-new", "", "endpoint not ready"),
                TimelineEvent.of(T + 3_000, EventType.ENDPOINT_READY, "web-new", "", "endpoint ready"),
                TimelineEvent.of(T + 20_000, EventType.POD_MARKED_FOR_DELETION, "web-new", "scale-1", ""),
                TimelineEvent.of(T + 20_000, EventType.SIGTERM_SENT, "web-new", "scale-1", ""),
                TimelineEvent.of(T + 20_120, EventType.ENDPOINT_TERMINATING, "web-new", "scale-1", ""),
                new TimelineEvent(T + 20_400, EventType.CONTAINER_EXITED, "web-new", "scale-1", "",
                        Map.of(Attribute.EXIT_CODE, "143")));
        PodTermination t = PodTermination.from(events).get(0);
        assertThat(t.outOfRotationMs()).isEqualTo(T + 20_120);
        assertThat(t.outOfRotationLagMs()).isEqualTo(120);
        assertThat(t.phaseAt(T + 20_050)).as("SIGTERM while the slice still listed it ready")
                .isEqualTo(Phase.SIGTERM_ENDPOINT_LIVE);
    }

    /** A pod whose readiness failed before it was deleted had left rotation already: the lag is not measured. */
    @Test
    void aPodAlreadyOutOfRotationWhenDeletedKeepsThatMoment() {
        List<TimelineEvent> events = List.of(
                TimelineEvent.of(T + 1_000, EventType.ENDPOINT_NOT_READY, "web-a", "", "readiness failing"),
                TimelineEvent.of(T + 5_000, EventType.POD_MARKED_FOR_DELETION, "web-a", "d", ""),
                TimelineEvent.of(T + 5_010, EventType.SIGTERM_SENT, "web-a", "d", ""),
                TimelineEvent.of(T + 5_100, EventType.ENDPOINT_TERMINATING, "web-a", "d", ""));
        PodTermination t = PodTermination.from(events).get(0);
        assertThat(t.outOfRotationMs()).isEqualTo(T + 1_000);
        assertThat(t.outOfRotationLagMs()).isEqualTo(-1);
    }

    /**
     * A StatefulSet's replacement keeps the deleted pod's name: its endpoint coming back ready after the deletion
     * does not erase when the deleted one left rotation.
     */
    @Test
    void aReusedNameComingBackReadyKeepsTheDeletedPodsMoment() {
        List<TimelineEvent> events = List.of(
                TimelineEvent.of(T + 5_000, EventType.POD_MARKED_FOR_DELETION, "db-0", "d", ""),
                TimelineEvent.of(T + 5_000, EventType.SIGTERM_SENT, "db-0", "d", ""),
                TimelineEvent.of(T + 5_080, EventType.ENDPOINT_TERMINATING, "db-0", "d", ""),
                TimelineEvent.of(T + 9_000, EventType.ENDPOINT_READY, "db-0", "d", ""));
        assertThat(PodTermination.from(events).get(0).outOfRotationMs()).isEqualTo(T + 5_080);
    }

    /** Where the data path's moment is known it decides the phases; the API's stays beside it. */
    @Test
    void routingStoppedLaterThanTheApiKeepsTheRaceOpen() {
        List<TimelineEvent> events = List.of(
                TimelineEvent.of(T, EventType.POD_MARKED_FOR_DELETION, "web-a", "d", ""),
                TimelineEvent.of(T + 2, EventType.SIGTERM_SENT, "web-a", "d", ""),
                TimelineEvent.of(T + 100, EventType.ENDPOINT_TERMINATING, "web-a", "d", ""),
                new TimelineEvent(T + 1_100, EventType.ROUTING_STOPPED, "web-a", "d", "",
                        Map.of(Attribute.SOURCE, "api+allowance")),
                new TimelineEvent(T + 300, EventType.CONTAINER_EXITED, "web-a", "d", "",
                        Map.of(Attribute.EXIT_CODE, "143")));
        PodTermination t = PodTermination.from(events).get(0);
        assertThat(t.outOfRotationLagMs()).isEqualTo(100);
        assertThat(t.routingLagMs()).isEqualTo(1_100);
        assertThat(t.phaseAt(T + 600)).isEqualTo(Phase.SIGTERM_ENDPOINT_LIVE);
        assertThat(t.phaseAt(T + 1_200)).isEqualTo(Phase.AFTER_EXIT);
    }
}
