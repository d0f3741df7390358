package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The API server's clock offset from whole-second Date headers: the interval arithmetic, then a real server. */
@Tag("slow")
class ServerClockTest {
    /**
     * A server 1,234 ms ahead, answering in 10 ms, asked every 50 ms: each answer alone allows a whole second; the
     * answers on both sides of a tick of the server's second pin the offset down to about the spacing.
     */
    @Test
    void answersOnBothSidesOfTheServersSecondTickNarrowTheOffset() {
        long offset = 1_234;
        List<ServerClock.Sample> samples = new ArrayList<>();
        for (long sent = 10_000; sent < 11_200; sent += 50) {
            long handledServer = sent + 5 + offset;
            samples.add(new ServerClock.Sample(sent, sent + 10, handledServer - Math.floorMod(handledServer, 1000)));
        }
        ServerClock one = ServerClock.fromSamples(samples.subList(0, 1)).orElseThrow();
        assertThat(one.uncertaintyMs()).as("one answer: a second wide").isGreaterThanOrEqualTo(500);
        assertThat(Math.abs(one.offsetMs() - offset)).isLessThanOrEqualTo(one.uncertaintyMs());
        ServerClock all = ServerClock.fromSamples(samples).orElseThrow();
        assertThat(all.uncertaintyMs()).isLessThanOrEqualTo(30);
        assertThat(Math.abs(all.offsetMs() - offset)).isLessThanOrEqualTo(all.uncertaintyMs());
        assertThat(all.describe()).startsWith("+" + all.offsetMs() + " ms ± " + all.uncertaintyMs() + " ms (API server"
                + " clock minus this host's, from the Date header of 24 answers;");
    }

    @Test
    void answersThatContradictEachOtherGiveNoOffset() {
        // the second answer says an earlier server second than the first, later on this host: a clock step
        assertThat(ServerClock.fromSamples(List.of(new ServerClock.Sample(0, 10, 5_000),
                new ServerClock.Sample(2_000, 2_010, 3_000)))).isEmpty();
    }

    /** A server whose Date headers run 3,700 ms ahead: the measured interval must contain 3,700. */
    @Test
    void aServerAheadOfThisHostIsMeasuredWithinTheStatedUncertainty() {
        try (ScriptedCluster cluster = new ScriptedCluster(); KubernetesClient client = cluster.client()) {
            cluster.serverClockAheadMs = 3_700;
            List<String> why = new ArrayList<>();
            ServerClock c = ServerClock.measure(client, System::currentTimeMillis, why).orElseThrow(
                    () -> new AssertionError(why));
            assertThat(Math.abs(c.offsetMs() - 3_700)).isLessThanOrEqualTo(c.uncertaintyMs());
            assertThat(c.uncertaintyMs()).as("a second wide at worst").isLessThanOrEqualTo(500);
            assertThat(c.samples()).isBetween(1, ServerClock.MAX_SAMPLES);
            assertThat(cluster.calls).filteredOn(x -> x.path().equals("/version")).hasSize(c.samples());
        }
    }
}
