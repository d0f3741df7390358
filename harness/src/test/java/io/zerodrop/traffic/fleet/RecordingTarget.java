package io.zerodrop.traffic.fleet;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A loopback HTTP target that answers 200 and records, by request id, when each request reached it (epoch ms). */
public final class RecordingTarget implements AutoCloseable {
    /** Request id ({@code X-Zerodrop-Request-Id}) → when it was received. */
    public final Map<String, Long> received = new ConcurrentHashMap<>();
    private final HttpServer server;

    public RecordingTarget() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.createContext("/", ex -> {
            long at = System.currentTimeMillis();
            String id = ex.getRequestHeaders().getFirst("X-Zerodrop-Request-Id");
            received.put(id == null ? "none-" + at : id, at);
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        server.start();
    }

    /** Every request of the generators' logs, read as one run on this host's clock. */
    public static java.util.List<io.zerodrop.gatling.RequestRecord> merged(
            java.util.List<io.zerodrop.gatling.GeneratorLog> logs) throws IOException {
        java.util.List<io.zerodrop.gatling.RequestRecord> records = new java.util.ArrayList<>();
        io.zerodrop.gatling.GeneratorLog.readAll(logs, new io.zerodrop.gatling.SimulationLogReader.Visitor() {
            @Override
            public void request(io.zerodrop.gatling.RequestRecord rec) {
                records.add(rec);
            }
        });
        return records;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
