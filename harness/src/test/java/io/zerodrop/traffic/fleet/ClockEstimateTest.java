package io.zerodrop.traffic.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A generator's clock bounded by round trips: readings intersect, a stepped clock is said, drift widens the bound. */
class ClockEstimateTest {
    private static ClockEstimate.Reading r(long before, long generator, long after) {
        return new ClockEstimate.Reading(before, generator, after);
    }

    @Test
    void readingsOfOneSteadyClockIntersectToTheFastestRoundTrips() {
        // true offset +1,000: one slow reading (40 ms round trip) and two fast ones, answered early and late
        ClockEstimate c = ClockEstimate.of(List.of(r(0, 1_030, 40), r(100, 1_101, 104), r(200, 1_203, 205)));
        assertThat(c.consistent()).isTrue();
        assertThat(c.lowMs()).isEqualTo(998);  // 1,203 - 205
        assertThat(c.highMs()).isEqualTo(1_001); // 1,101 - 100
        assertThat(c.offsetMs()).isEqualTo(999);
        assertThat(c.uncertaintyMs()).isEqualTo(2);
        assertThat(Math.abs(c.offsetMs() - 1_000)).isLessThanOrEqualTo(c.uncertaintyMs());
    }

    @Test
    void aClockThatSteppedBetweenReadingsIsSaidAndTheNarrowestReadingKept() {
        ClockEstimate c = ClockEstimate.of(List.of(r(0, 1_005, 10), r(100, 3_104, 106)));
        assertThat(c.consistent()).isFalse();
        assertThat(c.lowMs()).isEqualTo(2_998);
        assertThat(c.highMs()).isEqualTo(3_004);
    }

    @Test
    void acrossTheRunTheMiddleOfBeforeAndAfterWithHalfTheDriftAdded() {
        ClockEstimate before = ClockEstimate.of(List.of(r(0, 500, 10)));   // 490..500: 495 ± 5
        ClockEstimate after = ClockEstimate.of(List.of(r(0, 530, 10)));    // 520..530: 525 ± 5
        long[] run = ClockEstimate.acrossRun(before, after);
        assertThat(run[0]).isEqualTo(510);
        assertThat(run[1]).isEqualTo(5 + 15);
        // a generator whose offset moved by 30 ms is known to ± 20 ms for the records in between: both ends inside
        assertThat(Math.abs(495 - run[0])).isLessThanOrEqualTo(run[1]);
        assertThat(Math.abs(525 - run[0])).isLessThanOrEqualTo(run[1]);
    }

    @Test
    void theFleetPacesItsCallsByItsSize() {
        assertThat(FleetRunner.pollMs(1, 125, 1000)).isEqualTo(125);
        assertThat(FleetRunner.pollMs(2, 125, 1000)).isEqualTo(250);
        assertThat(FleetRunner.pollMs(13, 125, 1000)).isEqualTo(1000);
        assertThat(FleetRunner.pollMs(0, 25, 500)).isEqualTo(20);
    }
}
