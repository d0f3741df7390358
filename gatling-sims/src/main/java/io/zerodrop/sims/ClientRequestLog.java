package io.zerodrop.sims;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the client saw of each request, by request id (property {@code zerodrop.requestLog}): one line per request,
 * {@code <seq> <start ms> <end ms> <1 ok | 0 failed>[ <pod>]}, after a header naming the run token; the fifth field is
 * the pod the answer named in the pod header ({@code zerodrop.podHeader}), absent when none was asked for or the
 * answer had none (a failed connect has no answer). The request id sent in
 * {@code X-Zerodrop-Request-Id} is {@code <run token>-<seq>}, so the server's log joins this one by {@code seq}.
 * The times are taken around the request by the simulation itself (epoch ms, this host's clock).
 */
final class ClientRequestLog {
    static final String HEADER = "# zerodrop client requests v1 run ";
    private final BufferedWriter out;
    /** A load generator made to behave as if its clock ran ahead (tests of clock correction); 0 otherwise. */
    private final long skewMs = Long.getLong("zerodrop.generator.clockSkewMs", 0L);

    private ClientRequestLog(BufferedWriter out) {
        this.out = out;
    }

    static ClientRequestLog open(String file, String runToken) {
        try {
            BufferedWriter w = Files.newBufferedWriter(Path.of(file), StandardCharsets.US_ASCII);
            w.write(HEADER + runToken + "\n");
            return new ClientRequestLog(w);
        } catch (IOException e) {
            throw new UncheckedIOException("zerodrop.requestLog " + file + " cannot be written", e);
        }
    }

    synchronized void record(long seq, long startMs, long endMs, boolean ok, String servedBy) {
        String pod = servedBy == null ? "" : servedBy.trim();
        // a value that is no pod name (blank, spaces, over 253 characters) is not kept: the log stays one word a field
        boolean named = !pod.isEmpty() && pod.length() <= 253 && pod.chars().noneMatch(c -> c <= ' ' || c > '~');
        try {
            out.write(seq + " " + (startMs + skewMs) + " " + (endMs + skewMs) + (ok ? " 1" : " 0")
                    + (named ? " " + pod + "\n" : "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
