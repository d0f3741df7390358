package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.engine.Experiment;
import io.zerodrop.ledger.GroundTruth;

/** Client counts against every pod's server ledger, for the proof tests. */
final class Reconcile {
    private Reconcile() {
    }

    /**
     * Exact when every ledger is final: every client OK was answered by a server; the ledgers add up; every request
     * the servers never received, every answer lost at a kill and every cut request is a client failure.
     */
    static void exactly(Experiment.Outcome o) {
        GroundTruth g = o.report().groundTruth().orElseThrow();
        assertThat(g.allFinal()).isTrue();
        assertThat(g.serverOk()).as("every client OK was answered by a server").isGreaterThanOrEqualTo(g.clientOk());
        assertThat(g.answeredButLost()).isEqualTo(g.serverOk() - g.clientOk()).isLessThanOrEqualTo(5);
        assertThat(g.serverReceived()).as("ledgers add up")
                .isEqualTo(g.serverOk() + g.serverError() + g.serverCut() + g.serverClientAborted());
        assertThat(g.serverReceived()).as("no request counted twice").isLessThanOrEqualTo(g.clientTotal());
        assertThat((g.clientTotal() - g.serverReceived()) + g.serverCut() + g.answeredButLost())
                .as("never received + cut + lost = client failures").isEqualTo(g.clientFailed());
    }

    /**
     * When a pod was SIGKILLed its ledger is its last periodic snapshot: its counts are a lower bound (nothing after
     * the snapshot), and what it had in flight is counted as cut although a request may still have been answered
     * between the snapshot and the kill. So: the servers never saw more than the client sent, never answered more
     * OK than the client received, and the killed pod had work in flight.
     */
    static void asLowerBound(Experiment.Outcome o) {
        GroundTruth g = o.report().groundTruth().orElseThrow();
        assertThat(g.allFinal()).isFalse();
        assertThat(g.serverReceived()).isLessThanOrEqualTo(g.clientTotal());
        assertThat(g.serverOk()).isLessThanOrEqualTo(g.clientOk());
        assertThat(g.serverCut()).as("the killed pod's in-flight requests are counted as cut").isPositive();
        assertThat(g.notes()).anyMatch(n -> n.contains("periodic snapshot"));
    }
}
