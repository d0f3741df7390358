package io.zerodrop.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.core.ZerodropException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
     * (the target still runs) as soon as a snapshot written after {@code afterMs} appears, for at most
     * {@code waitMs}.
     */
    public static LedgerSnapshot readAfter(Path file, long afterMs, long waitMs) {
        long deadline = System.currentTimeMillis() + waitMs;
        while (true) {
            LedgerSnapshot s = Files.exists(file) ? read(file) : null;
            if (s != null && (s.isFinal() || s.writtenAtMs() > afterMs || System.currentTimeMillis() >= deadline)) {
                return s;
            }
            if (s == null && System.currentTimeMillis() >= deadline) {
                throw ZerodropException.usage("ledger file " + file + " does not exist (target-app writes it when"
                        + " LEDGER_FILE is set)");
            }
            if (!io.zerodrop.core.Sleep.forMs(50)) {
                return s != null ? s : read(file);
            }
        }
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
