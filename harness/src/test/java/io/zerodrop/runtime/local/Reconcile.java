package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.engine.Experiment;
import io.zerodrop.ledger.GroundTruth;
import io.zerodrop.ledger.RequestJoin;

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
        assertThat(g.allFinal()).as(o.summary()).isTrue();
        byRequestId(g);
        // requests that reached a dying pod after its final ledger was written and before it halted are in the
        // request logs (appended as each arrives) but in no ledger: 0 on an idle machine, a few under load
        long slip = Math.max(0, g.exact().serverAttempts() - g.serverReceived());
        assertThat(g.serverOk() + slip).as("every client OK was answered by a server (the ledgers, plus %d arrival(s)"
                + " after a final ledger); %s", slip, o.summary()).isGreaterThanOrEqualTo(g.clientOk());
        // an answer is lost only to a client that saw its request cut or time out (a starved client times out on
        // answers the server wrote in time: how many depends on the machine, what they were does not)
        assertThat(g.answeredButLost()).isLessThanOrEqualTo(g.clientResetOrTimeout());
        assertThat(g.serverReceived()).as("ledgers add up")
                .isEqualTo(g.serverOk() + g.serverError() + g.serverCut() + g.serverClientAborted());
        assertThat(g.serverReceived()).as("no request counted twice").isLessThanOrEqualTo(g.clientTotal());
        if (slip == 0) {
            // the ledgers alone then tell every client failure; with late arrivals the join above tells them
            assertThat(g.answeredButLost()).isEqualTo(g.serverOk() - g.clientOk());
            assertThat((g.clientTotal() - g.serverReceived()) + g.serverCut() + g.answeredButLost())
                    .as("never received + cut + lost = client failures").isEqualTo(g.clientFailed());
        }
        // the same arrivals, plus the requests that reached a dying pod after its final ledger was written and before
        // it halted: the request log, appended as each arrives, has them; the ledger cannot (how many depends on how
        // fast the dying process is: 1 on an idle machine, 4 to 7 under two busy loops)
        assertThat(g.exact().serverAttempts()).as("the per-request logs count every arrival the ledgers count")
                .isGreaterThanOrEqualTo(g.serverReceived());
    }

    /**
     * Joined request by request: the simulation's log of what the client saw has every request of Gatling's own log,
     * and every client failure is exactly one of never received, answered but lost, cut, or answered with an error.
     */
    static void byRequestId(GroundTruth g) {
        RequestJoin.Exact x = g.exact();
        assertThat(x).as("client and servers joined by request id").isNotNull();
        assertThat(x.clientTotal()).as("the client log has every request").isEqualTo(g.clientTotal());
        assertThat(x.clientOk()).isEqualTo(g.clientOk());
        assertThat(x.unknownToClient()).as("no server saw an id the client did not send").isZero();
        assertThat(x.neverReached() + x.answeredButLost() + x.cutByServer() + x.failedOther())
                .as("every client failure has exactly one server-side account").isEqualTo(x.clientFailed());
        assertThat(x.reachedServer() + x.neverReached()).as("every request reached a server or failed without")
                .isEqualTo(x.clientTotal());
        assertThat(g.hiddenDrops()).isEqualTo(x.hiddenDrops());
        assertThat(g.answeredButLost()).isEqualTo(x.answeredButLost());
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
        // the request logs are appended line by line and survive SIGKILL: the join stays exact
        byRequestId(g);
        assertThat(g.exact().serverAttempts()).as("the request logs saw at least what the last snapshot counted")
                .isGreaterThanOrEqualTo(g.serverReceived());
        assertThat(g.exact().cutByServer()).as("the killed pod's in-flight requests, by id").isPositive();
    }
}
