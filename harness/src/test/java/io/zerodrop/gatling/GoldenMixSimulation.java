package io.zerodrop.gatling;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Made the golden file {@code golden/groups-utf16-error-3.15.1.simulation.log} (run once against target-app, see
 * SimulationLogReaderTest): requests inside nested groups, a request name outside Latin-1 (written as UTF-16), a
 * failed request, an action that crashes, and a request whose expression cannot be resolved (Gatling writes an
 * Error record for it).
 */
public class GoldenMixSimulation extends Simulation {
    {
        String base = System.getProperty("zerodrop.baseUrl", "http://127.0.0.1:8080");
        ScenarioBuilder scn = scenario("golden mix")
                .group("checkout").on(
                        exec(http("GET / in a group").get("/"))
                        .group("payment").on(exec(http("GET /missing in two groups").get("/missing"))))
                .exec(http("GET / ✓ ünïcødé").get("/"))
                .exec(session -> {
                    throw new IllegalStateException("golden crash");
                })
                .exec(http("GET / after the crash").get("/"))
                .exec(http("GET with a broken expression").get("/#{noSuchAttribute}"));
        setUp(scn.injectOpen(atOnceUsers(2))).protocols(http.baseUrl(base).disableWarmUp());
    }
}
