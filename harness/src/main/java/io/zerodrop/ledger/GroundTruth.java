package io.zerodrop.ledger;

import io.zerodrop.analysis.AnalysisResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Client-seen next to server-seen, over the whole run (warm-up included, since the server cannot tell it apart).
 *
 * <p>{@code hiddenDrops} = server-cut requests the client did not see fail: {@code max(0, cut - (RESET +
 * REQUEST_TIMEOUT on the client))}. Gatling silently retries a request whose pooled keep-alive connection closed
 * before any answer; the server counted that first attempt as cut while the client logged OK. It is a lower bound:
 * a client failure of another cause can mask a hidden drop. Where the requests carried ids and the servers logged
 * them, {@code exact} holds the joined counts (see {@link RequestJoin}) and both figures are exact.
 *
 * <p>{@code answeredButLost} = {@code max(0, server OK - client OK)}: answers the server handed to its kernel that
 * never reached the client, because the process (or its connection) died right after and the reset discarded
 * them. With fresh connections these are client failures too; with a keep-alive pool Gatling's retries can hide
 * them.
 */
public record GroundTruth(long clientTotal, long clientOk, long clientFailed, long clientResetOrTimeout,
        long serverReceived, long serverOk, long serverError, long serverCut, long serverClientAborted,
        long serverInFlight, boolean allFinal, long hiddenDrops, long answeredButLost, List<String> notes,
        RequestJoin.Exact exact) {

    /** Whether the ledgers' totals and the exact join tell the same received and cut counts (true without a join). */
    public boolean ledgersAgreeWithJoin() {
        return exact == null || (serverReceived == exact.serverAttempts() && serverCut == exact.cutByServer());
    }

    public static GroundTruth of(AnalysisResult a, List<LedgerSnapshot> ledgers) {
        return of(a, ledgers, null);
    }

    /**
     * As above; with {@code exact} (client and servers joined by request id) the hidden drops and the answers lost
     * are the joined, exact counts instead of bounds from the totals.
     */
    public static GroundTruth of(AnalysisResult a, List<LedgerSnapshot> ledgers, RequestJoin.Exact exact) {
        long clientResetOrTimeout = a.cutSymptomsWholeRun();
        long received = 0;
        long ok = 0;
        long error = 0;
        long cut = 0;
        long aborted = 0;
        long inFlight = 0;
        boolean allFinal = true;
        List<String> notes = new ArrayList<>();
        for (LedgerSnapshot l : ledgers) {
            received += l.received();
            ok += l.ok();
            error += l.error();
            cut += l.cut();
            aborted += l.clientAborted();
            inFlight += l.inFlight();
            if (!l.isFinal() && (l.inFlight() > 0 || l.staleFor(a.lastRequestMs()))) {
                allFinal = false;
                notes.add("ledger of " + l.servedBy() + " is a periodic snapshot written at " + l.writtenAtMs()
                        + " (the process died without a last word, or had not rewritten it yet): its " + l.inFlight()
                        + " in-flight requests are counted as cut, and later requests are missing from it");
            }
        }
        long effectiveCut = cut + (allFinal ? 0 : inFlight);
        long clientFailed = a.totalRequests() - a.okWholeRun();
        long hidden = Math.max(0, effectiveCut - clientResetOrTimeout);
        long clientTotal = a.totalRequests();
        if (received > clientTotal) {
            notes.add("the server received " + (received - clientTotal) + " more requests than the client logged:"
                    + " retried attempts (Gatling retries silently on a closed pooled connection)");
        }
        long lost = Math.max(0, ok - a.okWholeRun());
        if (lost > 0) {
            notes.add(lost + " answer(s) the server wrote were lost before the client read them: the process or its"
                    + " connection died right after writing (a reset discards unread data)");
        }
        if (exact != null && (received != exact.serverAttempts() || effectiveCut != exact.cutByServer())) {
            notes.add("the ledgers count " + received + " received and " + effectiveCut + " cut; the servers' request"
                    + " logs joined with the client's by request id count " + exact.serverAttempts() + " received and "
                    + exact.cutByServer() + " cut. The join is the truth: it holds each request's own record on both"
                    + " sides, while a ledger is a running total" + (allFinal ? " written at exit"
                    : ", and some here are periodic snapshots of processes that died without a last word (an app that"
                    + " exits at once on SIGTERM never rewrites its ledger)"));
        }
        if (exact != null) {
            hidden = exact.hiddenDrops();
            lost = exact.answeredButLost();
            notes.add("exact, joined by request id: " + exact.neverReached() + " never reached a server, "
                    + exact.answeredButLost() + " answered but lost, " + exact.cutByServer() + " cut or in flight at"
                    + " exit, " + exact.failedOther() + " answered with an error; " + exact.retried()
                    + " retried by the client, " + exact.hiddenDrops() + " hidden drops");
        }
        return new GroundTruth(clientTotal, a.okWholeRun(), clientFailed, clientResetOrTimeout, received, ok, error,
                effectiveCut, aborted, allFinal ? inFlight : 0, allFinal, hidden, lost, List.copyOf(notes), exact);
    }

}
