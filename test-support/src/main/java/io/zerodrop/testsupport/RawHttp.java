package io.zerodrop.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One HTTP/1.1 client connection on a raw socket, so a test controls exactly which connection is idle,
 * which has a request in flight, and sees a close or reset as it happens.
 */
public final class RawHttp implements AutoCloseable {
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawHttp connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(20_000);
        return new RawHttp(s);
    }

    public void send(String path) throws IOException {
        send(path, "");
    }

    /** Sends a GET with extra header lines ({@code "Name: value\r\n"} each). */
    public void send(String path, String headerLines) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headerLines + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    public Response get(String path) throws IOException {
        send(path);
        return read();
    }

    /** Reads one response; EOFException or SocketException when the server closed or reset first. */
    public Response read() throws IOException {
        String status = line();
        if (status == null) {
            throw new EOFException("connection closed before a response");
        }
        Map<String, String> headers = new TreeMap<>();
        String h;
        while ((h = line()) != null && !h.isEmpty()) {
            int c = h.indexOf(':');
            headers.put(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("body truncated: " + body.length + " of " + length + " bytes");
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Sends a request and reads its answer on another thread: for requests that are in flight during a test. */
    public CompletableFuture<Response> sendAsync(String path) throws IOException {
        send(path);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** True when the server closes (or resets) this idle connection within the timeout. */
    public boolean closedByPeerWithin(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // connection reset
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String s = buf.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buf.write(b);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
