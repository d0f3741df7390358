package io.zerodrop.targetapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerTest {
    @Test
    void whileRunningUnsettledRequestsAreInFlightOnceStoppedTheyAreCut() {
        Ledger l = new Ledger();
        Ledger.Entry a = l.begin();
        l.begin();
        l.settle(a, Ledger.Outcome.OK, 200);
        l.cutAllInFlight();
        l.begin(); // arrives after the shutdown cut everything in flight, before the final snapshot

        Map<String, Object> running = l.requestTotals(false);
        assertThat(running).containsEntry("received", 3L).containsEntry("ok", 1L).containsEntry("cut", 1L)
                .containsEntry("inFlight", 1L);
        Map<String, Object> stopped = l.requestTotals(true);
        assertThat(stopped).containsEntry("received", 3L).containsEntry("ok", 1L).containsEntry("cut", 2L)
                .containsEntry("inFlight", 0L);
    }
}
