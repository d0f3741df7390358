package io.zerodrop.scenario;

import io.zerodrop.scenario.LoadFrom;
import io.zerodrop.traffic.Simulations;
import io.zerodrop.traffic.TrafficPlan;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load of a run, independent of where the target is: simulation, rate, warm-up, duration, request shape, and
 * where it is generated ({@link LoadFrom}), and the response header that names the pod serving each request
 * ({@code podHeader}, empty when the workload sends none): the data path's own word on where traffic went.
 */
public record LoadSpec(String simulation, double rate, int warmupSeconds, int durationSeconds,
        long requestTimeoutMs, long connectTimeoutMs, List<String> paths, String method, List<String> headers,
        String body, String expectStatus, List<Path> simulationClasspath, int heapMb, LoadFrom from,
        String podHeader) {

    public LoadSpec {
        paths = List.copyOf(paths);
        headers = List.copyOf(headers);
        simulationClasspath = List.copyOf(simulationClasspath);
        podHeader = podHeader == null ? "" : podHeader;
    }

    /** A load generated from {@code from}, no pod header read. */
    public LoadSpec(String simulation, double rate, int warmupSeconds, int durationSeconds, long requestTimeoutMs,
            long connectTimeoutMs, List<String> paths, String method, List<String> headers, String body,
            String expectStatus, List<Path> simulationClasspath, int heapMb, LoadFrom from) {
        this(simulation, rate, warmupSeconds, durationSeconds, requestTimeoutMs, connectTimeoutMs, paths, method,
                headers, body, expectStatus, simulationClasspath, heapMb, from, "");
    }

    /** A load generated on this host (one Gatling JVM). */
    public LoadSpec(String simulation, double rate, int warmupSeconds, int durationSeconds, long requestTimeoutMs,
            long connectTimeoutMs, List<String> paths, String method, List<String> headers, String body,
            String expectStatus, List<Path> simulationClasspath, int heapMb) {
        this(simulation, rate, warmupSeconds, durationSeconds, requestTimeoutMs, connectTimeoutMs, paths, method,
                headers, body, expectStatus, simulationClasspath, heapMb, LoadFrom.LOCAL);
    }

    /** The same load generated from {@code where}. */
    public LoadSpec from(LoadFrom where) {
        return new LoadSpec(simulation, rate, warmupSeconds, durationSeconds, requestTimeoutMs, connectTimeoutMs, paths,
                method, headers, body, expectStatus, simulationClasspath, heapMb, where, podHeader);
    }

    /** The same load, reading the serving pod's name from response header {@code name}. */
    public LoadSpec withPodHeader(String name) {
        return new LoadSpec(simulation, rate, warmupSeconds, durationSeconds, requestTimeoutMs, connectTimeoutMs, paths,
                method, headers, body, expectStatus, simulationClasspath, heapMb, from, name);
    }

    /** The simulation's per-request log (seq, start, end, ok, and the pod the answer named) in the output directory. */
    public static final String CLIENT_REQUEST_LOG = "requests.client.log";

    /** Defaults for a run against a workload: fresh connections, so every refused connect is visible. */
    public static LoadSpec of(String simulation, double rate, int warmupSeconds, int durationSeconds) {
        return new LoadSpec(simulation, rate, warmupSeconds, durationSeconds, 5_000, 2_000, List.of("/"), "GET",
                List.of(), null, "200-299", List.of(), 1024);
    }

    /** The Gatling plan for a target base URL; results go under {@code outDir/gatling}. */
    public TrafficPlan toPlan(String baseUrl, Path outDir, boolean gatlingReport) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("zerodrop.baseUrl", baseUrl);
        props.put("zerodrop.paths", String.join(",", paths));
        props.put("zerodrop.method", method);
        if (!headers.isEmpty()) {
            props.put("zerodrop.headers", String.join("|", headers));
        }
        if (body != null) {
            props.put("zerodrop.body", body);
        }
        props.put("zerodrop.expectStatus", expectStatus);
        if (!podHeader.isEmpty()) {
            props.put("zerodrop.podHeader", podHeader);
        }
        props.put("zerodrop.rate", String.valueOf(rate));
        props.put("zerodrop.rampSeconds", String.valueOf(warmupSeconds));
        props.put("zerodrop.durationSeconds", String.valueOf(durationSeconds));
        // every request carries X-Zerodrop-Request-Id: <token>-<seq>; the client's view of each is logged by seq
        props.put("zerodrop.runToken", Long.toString(System.nanoTime() & 0xffffffffL, 36)
                + Long.toString(ProcessHandle.current().pid() % 1296, 36));
        props.put("zerodrop.requestLog", outDir.toAbsolutePath().resolve(CLIENT_REQUEST_LOG).toString());
        return new TrafficPlan(Simulations.resolve(simulation), simulationClasspath, props, rate, warmupSeconds,
                durationSeconds, requestTimeoutMs, connectTimeoutMs, outDir.resolve("gatling"), gatlingReport, heapMb,
                List.of());
    }
}
