package io.zerodrop.targetapp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Per-request truth (REQUEST_LOG_FILE): one line when a request carrying {@code X-Zerodrop-Request-Id} arrives,
 * one when it settles. Each line is one append to the file, so it is in the kernel's page cache the moment it is
 * written and survives SIGKILL: a request the log says arrived did arrive, even when the process died before it
 * could write anything else.
 *
 * <pre>
 * R &lt;id&gt; &lt;epoch ms&gt;                          received
 * S &lt;id&gt; &lt;epoch ms&gt; &lt;OUTCOME&gt; &lt;status&gt;     settled: OK, ERROR (status), CUT, CLIENT_ABORTED (status 0)
 * </pre>
 */
final class RequestLog implements AutoCloseable {
    /** The header zerodrop's simulations send; ids are letters, digits, '-' and '_' (others are not logged). */
    static final String HEADER = "X-Zerodrop-Request-Id";

    private final FileChannel out;

    private RequestLog(FileChannel out) {
        this.out = out;
    }

    static RequestLog open(Path file) throws IOException {
        return new RequestLog(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND));
    }

    static boolean validId(String id) {
        if (id == null || id.isEmpty() || id.length() > 64) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    void received(String id, long atMs) {
        append("R " + id + " " + atMs + "\n");
    }

    void settled(String id, long atMs, Ledger.Outcome outcome, int status) {
        append("S " + id + " " + atMs + " " + outcome + " " + status + "\n");
    }

    private void append(String line) {
        try {
            out.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            System.err.println("target-app: could not append to the request log: " + e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
