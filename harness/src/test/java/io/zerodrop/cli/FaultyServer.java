package io.zerodrop.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP/1.1 server that misbehaves on purpose, by path, and records what it did and when (epoch ms):
 * {@code /ok} 200; {@code /reset} reads the request and resets the connection (SO_LINGER 0) without answering;
 * {@code /status503} 503; {@code /slow} answers after {@code slowMs}, later than the client's timeout.
 * A refused connect needs nothing listening, so {@link #closedPort()} is a port nobody listens on.
 */
final class FaultyServer implements AutoCloseable {
    /** What the server did with one request, and when. */
    record Action(String path, long atMs) {
    }

    private final ServerSocket server;
    private final int closedPort;
    private final long slowMs;
    private final ExecutorService pool = Executors.newFixedThreadPool(64);
    final List<Action> actions = new CopyOnWriteArrayList<>();

    FaultyServer(long slowMs) throws IOException {
        this.slowMs = slowMs;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "faulty-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int closedPort() {
        return closedPort;
    }

    long count(String path) {
        return actions.stream().filter(a -> a.path().equals(path)).count();
    }

    List<Long> times(String path) {
        return actions.stream().filter(a -> a.path().equals(path)).map(Action::atMs).sorted().toList();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                pool.submit(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String path = readRequest(in);
                if (path == null) {
                    return;
                }
                switch (path) {
                    case "/reset" -> {
                        actions.add(new Action(path, System.currentTimeMillis()));
                        s.setSoLinger(true, 0);
                        return; // close with RST, no answer
                    }
                    case "/status503" -> {
                        actions.add(new Action(path, System.currentTimeMillis()));
                        answer(out, 503, "unavailable");
                    }
                    case "/slow" -> {
                        Thread.sleep(slowMs);
                        actions.add(new Action(path, System.currentTimeMillis()));
                        answer(out, 200, "late");
                    }
                    default -> {
                        actions.add(new Action(path, System.currentTimeMillis()));
                        answer(out, 200, "ok");
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    private static void answer(OutputStream out, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Length: " + b.length + "\r\nContent-Type: text/plain\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    /** Reads one request head; returns its path, or null at end of stream. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
            if (matched == 4) {
                String first = head.toString(StandardCharsets.US_ASCII).split("\r\n", 2)[0];
                return first.split(" ")[1];
            }
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        server.close();
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }
}
