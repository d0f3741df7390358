package io.zerodrop.traffic.fleet;

import com.sun.net.httpserver.HttpServer;
import io.zerodrop.gatling.GeneratorLog;
import io.zerodrop.gatling.RequestRecord;
import io.zerodrop.gatling.SimulationLogReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

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
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    /** Every request of the generators' logs, read as one run on this host's clock. */
    public static List<RequestRecord> merged(
            List<GeneratorLog> logs) throws IOException {
        List<RequestRecord> records = new ArrayList<>();
        GeneratorLog.readAll(logs, new SimulationLogReader.Visitor() {
            @Override
            public void request(RequestRecord rec) {
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
