package io.zerodrop.sims;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.stopLoadGeneratorIf;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Base of zerodrop's simulations: an open model (arrivals do not wait for answers, as real clients do), one request
 * per virtual user, a ramped warm-up then a constant rate. Subclasses choose the connection behaviour.
 */
abstract class ZerodropSimulation extends Simulation {
    /** The request id header: {@code <run token>-<seq>}, unique per request of a run (and per load generator). */
    public static final String REQUEST_ID_HEADER = "X-Zerodrop-Request-Id";
    private final AtomicLong counter = new AtomicLong();
    private static final String POD_ATTRIBUTE = "zerodropServedBy";
    private final ClientRequestLog requestLog;

    protected ZerodropSimulation(String defaultPath, boolean shareConnections) {
        Params p = Params.fromSystemProperties(defaultPath);
        String token = System.getProperty("zerodrop.runToken", Long.toString(System.nanoTime() & 0xffffffL, 36));
        if (!token.matches("[A-Za-z0-9_]{1,32}")) {
            throw new IllegalArgumentException("zerodrop.runToken \"" + token + "\" is invalid: expected 1 to 32 letters,"
                    + " digits or _");
        }
        String logFile = System.getProperty("zerodrop.requestLog", "");
        requestLog = logFile.isEmpty() ? null : ClientRequestLog.open(logFile, token);
        String podHeader = System.getProperty("zerodrop.podHeader", "").trim();
        if (!podHeader.isEmpty() && !Params.isHeaderName(podHeader)) {
            throw new IllegalArgumentException("zerodrop.podHeader \"" + podHeader + "\" is invalid: expected an HTTP"
                    + " header name such as X-Served-By");
        }
        HttpProtocolBuilder protocol = http.baseUrl(p.baseUrl())
                .disableWarmUp()
                .disableCaching()
                .disableFollowRedirect()
                .userAgentHeader("zerodrop");
        if (shareConnections) {
            protocol = protocol.shareConnections();
        }
        StopSignal stop = StopSignal.watch(System.getProperty("zerodrop.stopFile", ""));
        ScenarioBuilder scn = scenario(getClass().getSimpleName())
                .exec(stopLoadGeneratorIf("zerodrop asked the load to stop early", session -> stop.requested()))
                .exec(session -> {
                    long seq = counter.getAndIncrement();
                    return session.set("zerodropPath", p.paths().get((int) (seq % p.paths().size())))
                            .set("zerodropSeq", seq).set("zerodropRid", token + "-" + seq)
                            .set("zerodropT0", System.currentTimeMillis());
                })
                .exec(request(p, podHeader))
                .exec(session -> {
                    if (requestLog != null) {
                        requestLog.record(session.getLong("zerodropSeq"), session.getLong("zerodropT0"),
                                System.currentTimeMillis(), !session.isFailed(),
                                session.contains(POD_ATTRIBUTE) ? session.getString(POD_ATTRIBUTE) : null);
                    }
                    return session;
                });
        List<OpenInjectionStep> steps = new ArrayList<>();
        if (p.rampSeconds() > 0) {
            steps.add(rampUsersPerSec(Math.min(1, p.rate())).to(p.rate()).during(p.rampSeconds()));
        }
        steps.add(constantUsersPerSec(p.rate()).during(p.durationSeconds()));
        PopulationBuilder population = scn.injectOpen(steps.toArray(new OpenInjectionStep[0]));
        SetUp setUp = setUp(population).protocols(protocol);
        if (p.maxKoPercent() != null) {
            setUp.assertions(global().failedRequests().percent().lte(p.maxKoPercent()));
        }
    }

    /** Several generators of one run begin together: this waits for the moment they were all given. */
    @Override
    public void before() {
        StartBarrier.arriveAndWait();
    }

    @Override
    public void after() {
        if (requestLog != null) {
            requestLog.close();
        }
    }

    /**
     * Gatling cuts log messages at 200 characters, so a long {@code in(...)} list would lose the "found NNN" that
     * zerodrop classifies by: a contiguous range becomes two short bound checks, a short list stays a list.
     */
    private static CheckBuilder[] statusChecks(List<Integer> expected) {
        int min = expected.stream().mapToInt(Integer::intValue).min().orElseThrow();
        int max = expected.stream().mapToInt(Integer::intValue).max().orElseThrow();
        if (expected.stream().distinct().count() == max - min + 1) {
            return new CheckBuilder[] {status().gte(min), status().lte(max)};
        }
        return new CheckBuilder[] {status().in(expected)};
    }

    /**
     * With {@code podHeader} (property {@code zerodrop.podHeader}), the response header naming the pod that served
     * the request is kept for the client log when the answer has one: which pod traffic still reached, and when.
     */
    private static HttpRequestActionBuilder request(Params p, String podHeader) {
        String name = p.paths().size() == 1 ? p.method() + " " + p.paths().get(0) : p.method() + " #{zerodropPath}";
        HttpRequestActionBuilder r = http(name).httpRequest(p.method(), "#{zerodropPath}")
                .header(REQUEST_ID_HEADER, "#{zerodropRid}")
                .check(statusChecks(p.expectStatus()));
        if (!podHeader.isEmpty()) {
            r = r.check(header(podHeader).optional().saveAs(POD_ATTRIBUTE));
        }
        if (!p.headers().isEmpty()) {
            r = r.headers(p.headers());
        }
        if (!p.body().isEmpty()) {
            r = r.body(StringBody(p.body()));
        }
        return r;
    }
}
