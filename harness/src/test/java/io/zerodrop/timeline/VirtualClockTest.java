package io.zerodrop.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The test clock the engine's fast tests run on: tasks woken in due order, each at its time, and interruptible. */
class VirtualClockTest {
    @Test
    void tasksWakeInOrderOfTheirDueTimesEachAtItsTimeAndTheDriverEndsAtItsOwn() throws Exception {
        VirtualClock clock = new VirtualClock(1_000);
        List<String> seen = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            // handed over latest-due first, and one task sleeps twice: order comes from the due times alone
            for (long due : new long[] {4_000, 2_000, 3_000}) {
                pool.submit(clock.track(() -> {
                    clock.sleepUntil(due);
                    seen.add(due + "@" + clock.nowMs());
                    if (due == 2_000) {
                        clock.sleepFor(1_500);
                        seen.add("again@" + clock.nowMs());
                    }
                }));
            }
            assertThat(clock.sleepUntil(10_000)).isTrue();

            assertThat(seen).containsExactly("2000@2000", "3000@3000", "again@3500", "4000@4000");
            assertThat(clock.nowMs()).isEqualTo(10_000);
            assertThat(clock.sleeping()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTaskStillSleepingWhenTheDriverStopsIsWokenByItsInterruptAndSaysSo() throws Exception {
        VirtualClock clock = new VirtualClock(0);
        List<Boolean> slept = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.submit(clock.track(() -> slept.add(clock.sleepUntil(60_000))));
        clock.sleepUntil(1_000); // returns once the task sleeps, without waking it
        assertThat(clock.sleeping()).isEqualTo(1);

        pool.shutdownNow();
        assertThat(pool.awaitTermination(VirtualClock.STUCK_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(slept).containsExactly(false);
        assertThat(clock.sleeping()).isZero();
        assertThat(clock.nowMs()).isEqualTo(1_000);
    }
}
