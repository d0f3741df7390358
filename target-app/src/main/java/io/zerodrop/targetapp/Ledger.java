package io.zerodrop.targetapp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's own account of every traffic request (probes are counted apart): the ground truth zerodrop
 * reconciles its client-side counts against.
 *
 * <p>Invariant at every snapshot: {@code received = ok + error + cut + clientAborted + inFlight}. Once the app has
 * stopped writing answers, nothing in flight can still be answered: the final snapshot counts it as cut, so its
 * {@code inFlight} is 0 (a request may arrive between the last cut and the snapshot).
 */
final class Ledger {
    static final String SCHEMA = "zerodrop.ledger/v1";

    /** How a request ended, from the server's side. */
    enum Outcome {
        /** A response with status below 400 was written completely to the socket. */
        OK,
        /** A response with status 400 or above was written completely to the socket. */
        ERROR,
        /** The request was in flight when shutdown stopped the process or closed its connection. */
        CUT,
        /** The client went away before the answer was written, while no shutdown was under way. */
        CLIENT_ABORTED
    }

    /** One request being served; settled exactly once. {@code id}: its request id, or null when it has none. */
    static final class Entry {
        private final AtomicBoolean settled = new AtomicBoolean();
        private final String id;

        Entry(String id) {
            this.id = id;
        }
    }

    private volatile RequestLog requestLog;

    /** From now on, requests with an id are written to {@code log} as they arrive and settle. */
    void logRequestsTo(RequestLog log) {
        this.requestLog = log;
    }

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong error = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();
    private final AtomicLong clientAborted = new AtomicLong();
    private final AtomicLong probes = new AtomicLong();
    private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
    private final Set<Entry> active = ConcurrentHashMap.newKeySet();

    Entry begin() {
        return begin(null);
    }

    /** A request arrived; {@code id} from its X-Zerodrop-Request-Id header, or null. */
    Entry begin(String id) {
        Entry e = new Entry(id);
        RequestLog log = requestLog;
        if (log != null && id != null) {
            log.received(id, System.currentTimeMillis());
        }
        active.add(e);
        received.incrementAndGet();
        return e;
    }

    void probe() {
        probes.incrementAndGet();
    }

    /** Settles a request; a second settlement of the same entry is ignored. */
    void settle(Entry e, Outcome outcome, int status) {
        if (!e.settled.compareAndSet(false, true)) {
            return;
        }
        RequestLog log = requestLog;
        if (log != null && e.id != null) {
            log.settled(e.id, System.currentTimeMillis(), outcome, status);
        }
        switch (outcome) {
            case OK -> ok.incrementAndGet();
            case ERROR -> error.incrementAndGet();
            case CUT -> cut.incrementAndGet();
            case CLIENT_ABORTED -> clientAborted.incrementAndGet();
        }
        if (outcome == Outcome.OK || outcome == Outcome.ERROR) {
            byStatus.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        }
        active.remove(e);
    }

    /** Settles every request still in flight as cut by shutdown; returns how many there were. */
    int cutAllInFlight() {
        int n = 0;
        for (Entry e : active) {
            if (!e.settled.get()) {
                settle(e, Outcome.CUT, 0);
                n++;
            }
        }
        return n;
    }

    long inFlight() {
        return active.size();
    }

    long received() {
        return received.get();
    }

    long count(Outcome outcome) {
        return switch (outcome) {
            case OK -> ok.get();
            case ERROR -> error.get();
            case CUT -> cut.get();
            case CLIENT_ABORTED -> clientAborted.get();
        };
    }

    /** The totals; {@code stopped}: no answer can be written any more, so whatever is still in flight is cut. */
    Map<String, Object> requestTotals(boolean stopped) {
        // Read the settled counters before received and in flight, so that a request settling meanwhile
        // cannot make the totals add up to more than received.
        long okNow = ok.get();
        long errorNow = error.get();
        long cutNow = cut.get();
        long abortedNow = clientAborted.get();
        long inFlightNow = active.size();
        long receivedNow = Math.max(received.get(), okNow + errorNow + cutNow + abortedNow + inFlightNow);
        if (stopped) {
            cutNow = receivedNow - okNow - errorNow - abortedNow;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("received", receivedNow);
        m.put("ok", okNow);
        m.put("error", errorNow);
        m.put("cut", cutNow);
        m.put("clientAborted", abortedNow);
        m.put("inFlight", receivedNow - okNow - errorNow - cutNow - abortedNow);
        Map<String, Object> statuses = new TreeMap<>();
        byStatus.forEach((k, v) -> statuses.put(String.valueOf(k), v.get()));
        m.put("byStatus", statuses);
        m.put("probes", probes.get());
        return m;
    }

    /** Writes the document to {@code file} atomically (temporary file in the same directory, then rename). */
    static void writeAtomically(Path file, Map<String, Object> document) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Json.write(document) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
