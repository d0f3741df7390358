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
