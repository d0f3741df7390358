package io.zerodrop.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.ZerodropException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * target-app's ledger ({@code zerodrop.ledger/v1}) as read after a run: what the server itself saw. When
 * {@code isFinal} is false the process died without a last word (SIGKILL, crash): the totals are a lower bound
 * taken at {@code writtenAtMs}, and requests counted in flight then were cut unless the client saw them answered.
 */
public record LedgerSnapshot(Path file, String servedBy, boolean isFinal, long writtenAtMs, Integer exitCode,
        long received, long ok, long error, long cut, long clientAborted, long inFlight) {

    public static final String SCHEMA = "zerodrop.ledger/v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads the ledger once it describes everything up to {@code afterMs}: a final ledger at once; a periodic one
     * (the target still runs) as soon as a snapshot written after {@code afterMs} has nothing in flight, for at most
     * {@code waitMs} (then the latest one). A response the client has read completely may still be in flight on the
     * server: the server counts it ok when its write completes, on its own thread, a moment later (on a busy machine
     * a snapshot fell in between and counted 4 of 350 answered requests in flight). The load has stopped by then,
     * so what is in flight settles; a target that other clients keep busy costs the whole wait.
     */
    public static LedgerSnapshot readAfter(Path file, long afterMs, long waitMs) {
        long deadline = System.currentTimeMillis() + waitMs;
        while (true) {
            LedgerSnapshot s = Files.exists(file) ? read(file) : null;
            if (s != null && (s.coversUpTo(afterMs) || System.currentTimeMillis() >= deadline)) {
                return s;
            }
            if (s == null && System.currentTimeMillis() >= deadline) {
                throw ZerodropException.usage("ledger file " + file + " does not exist (target-app writes it when"
                        + " LEDGER_FILE is set)");
            }
            if (!Sleep.forMs(50)) {
                return s != null ? s : read(file);
            }
        }
    }

    /**
     * A pod's last word as target-app leaves it in its termination message ({@code terminationMessagePath}, read by
     * zerodrop from {@code containerStatuses[].state.terminated.message} before the pod object goes):
     * {@code target-app exit=143 reason=sigterm mode=immediate received=120 ok=118 error=0 cut=2 clientAborted=0}.
     * Written at the very end, so final. Empty when the message is not target-app's.
     */
    public static Optional<LedgerSnapshot> fromTerminationMessage(String pod, String message, long atMs) {
        if (message == null || !message.startsWith("target-app ")) {
            return Optional.empty();
        }
        Map<String, String> kv = new HashMap<>();
        for (String part : message.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        try {
            return Optional.of(new LedgerSnapshot(Path.of("pods", pod, "terminationMessage"), pod, true, atMs,
                    Integer.valueOf(kv.get("exit")), Long.parseLong(kv.get("received")), Long.parseLong(kv.get("ok")),
                    Long.parseLong(kv.get("error")), Long.parseLong(kv.get("cut")),
                    Long.parseLong(kv.get("clientAborted")), 0));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A live pod's counts from target-app's {@code /metrics} (read through the API server's pod proxy at the end of
     * a run): not final — the pod goes on serving — but taken at {@code atMs}, after the last request.
     */
    public static Optional<LedgerSnapshot> fromMetrics(String pod, String text, long atMs) {
        Map<String, Long> c = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("targetapp_requests_total{outcome=\"")) {
                int q = line.indexOf('"', 34);
                c.put(line.substring(34, q), Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim()));
            } else if (line.startsWith("targetapp_requests_in_flight ")) {
                c.put("inflight", Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim()));
            }
        }
        if (!c.containsKey("ok")) {
            return Optional.empty();
        }
        long ok = c.getOrDefault("ok", 0L);
        long error = c.getOrDefault("error", 0L);
        long cut = c.getOrDefault("cut", 0L);
        long aborted = c.getOrDefault("client_aborted", 0L);
        long inFlight = c.getOrDefault("inflight", 0L);
        return Optional.of(new LedgerSnapshot(Path.of("pods", pod, "metrics"), pod, false, atMs, null,
                ok + error + cut + aborted + inFlight, ok, error, cut, aborted, inFlight));
    }

    /** True when nothing up to {@code lastRequestMs} can still change: final, or later and nothing in flight. */
    public boolean coversUpTo(long lastRequestMs) {
        return isFinal || writtenAtMs > lastRequestMs && inFlight == 0;
    }

    /** True when the snapshot misses part of the run: not final and written before {@code lastRequestMs}. */
    public boolean staleFor(long lastRequestMs) {
        return !isFinal && writtenAtMs < lastRequestMs;
    }

    public static LedgerSnapshot read(Path file) {
        JsonNode doc;
        try {
            doc = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw ZerodropException.usage("ledger file " + file + " cannot be read as JSON: " + e.getMessage());
        }
        if (doc == null || !SCHEMA.equals(doc.path("schema").asText())) {
            throw ZerodropException.usage("ledger file " + file + " has schema \""
                    + (doc == null ? "" : doc.path("schema").asText()) + "\": expected \"" + SCHEMA
                    + "\" (target-app's LEDGER_FILE)");
        }
        JsonNode r = doc.path("requests");
        JsonNode exit = doc.path("exit");
        return new LedgerSnapshot(file, doc.path("servedBy").asText(), doc.path("final").asBoolean(),
                doc.path("writtenAtMs").asLong(), exit.isObject() ? exit.path("exitCode").asInt() : null,
                r.path("received").asLong(), r.path("ok").asLong(), r.path("error").asLong(), r.path("cut").asLong(),
                r.path("clientAborted").asLong(), r.path("inFlight").asLong());
    }
}
