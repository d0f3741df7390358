package io.zerodrop.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the data path stopped routing to a deleted pod, from logs written as the simulation and target-app write them:
 * three pods behind a Service, pod-a deleted at T, 100 requests a second spread round-robin.
 */
class DataPathTest {
    static final long T = 1_800_000_000_000L;
    static final DataPath.Allowance KUBE_PROXY = new DataPath.Allowance(1000, "kube-proxy's sync");

    @TempDir
    Path dir;

    /** Requests every 10 ms from T-2 s to T+6 s; pod-a is reached by its share until {@code aReachedUntil}. */
    private record Load(Path client, Map<String, Path> servers) {
    }

    private Load load(long aReachedUntil, boolean header, boolean serverLogs) throws Exception {
        List<String> client = new ArrayList<>(List.of("# zerodrop client requests v1 run tk"));
        Map<String, List<String>> server = Map.of("pod-a", new ArrayList<>(), "pod-b", new ArrayList<>(),
                "pod-c", new ArrayList<>());
        int seq = 0;
        for (long t = T - 2000; t < T + 6000; t += 10, seq++) {
            String pod = seq % 3 == 0 && t <= aReachedUntil ? "pod-a" : seq % 2 == 0 ? "pod-b" : "pod-c";
            client.add(seq + " " + t + " " + (t + 3) + " 1" + (header ? " " + pod : ""));
            server.get(pod).add("R tk-" + seq + " " + (t + 1 + 40_000)); // the pods' clock runs 40 s ahead
            server.get(pod).add("S tk-" + seq + " " + (t + 2 + 40_000) + " OK 200");
        }
        Path c = Files.write(dir.resolve("client.log"), client);
        Map<String, Path> files = new TreeMap<>();
        if (serverLogs) {
            for (var e : server.entrySet()) {
                files.put(e.getKey(), Files.write(dir.resolve(e.getKey() + ".log"), e.getValue()));
            }
        }
        return new Load(c, files);
    }

    private static List<TimelineEvent> deletion(long sigtermAfter, long outOfRotationAfter) {
        List<TimelineEvent> events = new ArrayList<>(List.of(
                TimelineEvent.of(T, EventType.POD_MARKED_FOR_DELETION, "pod-a", "delete-1", ""),
                TimelineEvent.of(T + sigtermAfter, EventType.SIGTERM_SENT, "pod-a", "delete-1", "")));
        if (outOfRotationAfter >= 0) {
            events.add(TimelineEvent.of(T + outOfRotationAfter, EventType.ENDPOINT_TERMINATING, "pod-a", "delete-1",
                    ""));
        }
        return events;
    }

    @Test
    void aPodInItsPreStopThatNoLongerGetsRequestsShowsWhenRoutingStoppedEvenLongAfterTheApiSaidSo() throws Exception {
        // an ingress that applies endpoint changes 2.5 s late: the API said terminating at +100 ms
        Load l = load(T + 2500, false, true);
        List<TimelineEvent> out = DataPath.routingStopped(List.of(l.client()), l.servers(), deletion(5000, 100),
                KUBE_PROXY, true);
        assertThat(out).hasSize(1);
        TimelineEvent e = out.get(0);
        assertThat(e.type()).isEqualTo(EventType.ROUTING_STOPPED);
        assertThat(e.pod()).isEqualTo("pod-a");
        assertThat(e.disruption()).isEqualTo("delete-1");
        assertThat(e.attributesByKey()).containsEntry("source", "request-log");
        long last = Long.parseLong(e.attribute(Attribute.LAST_REQUEST_MS));
        assertThat(e.atMs()).as("the last request that reached it, on this host's clock").isEqualTo(last);
        assertThat(last).isBetween(T + 2470, T + 2500);
        assertThat(Long.parseLong(e.attribute(Attribute.LAST_REQUEST_SERVER_MS))).as("the pod's clock, kept beside")
                .isEqualTo(last + 1 + 40_000);
        assertThat(e.attributesByKey()).containsEntry("apiOutOfRotationMs", String.valueOf(T + 100));
        assertThat(e.detail()).contains("routing stopped (request-log)", "2 other pod(s)");
    }

    /**
     * A pod whose app stalls (a GC pause, a starved CPU) stops handling what the data path still sends it: those
     * requests wait in its accept queue, reach no log, and fail. One such request in the window and the silence
     * proves nothing.
     */
    @Test
    void aRequestThatReachedNoLogWhileThePodStillAcceptedLeavesTheMomentUnmeasured() throws Exception {
        Load l = load(T + 2500, false, true);
        Path client = l.client();
        List<String> lines = new ArrayList<>(Files.readAllLines(client));
        int seq = (int) ((T + 3000 - (T - 2000)) / 10); // sent at T+3 s: drop it from every server's log
        for (Path server : l.servers().values()) {
            Files.write(server, Files.readAllLines(server).stream().filter(x -> !x.contains(" tk-" + seq + " "))
                    .toList());
        }
        lines.set(seq + 1, seq + " " + (T + 3000) + " " + (T + 3005) + " 0");
        Files.write(client, lines);
        TimelineEvent e = DataPath.routingStopped(List.of(client), l.servers(), deletion(5000, 100), KUBE_PROXY,
                true).get(0);
        assertThat(e.attributesByKey()).containsEntry("source", "api+allowance");
        assertThat(e.atMs()).as("never before the last request seen").isBetween(T + 2470, T + 2500);
        assertThat(e.detail()).contains("1 of the 250 request(s) sent between the last request that reached it and"
                + " its SIGTERM reached no log");
    }

    @Test
    void overKeptAliveConnectionsWhereRequestsWentIsNotWhereTheDataPathRouted() throws Exception {
        // the same logs, but every request rode a pooled connection: pod-a got requests until its app closed them
        Load l = load(T + 2500, true, true);
        TimelineEvent e = DataPath.routingStopped(List.of(l.client()), l.servers(), deletion(5000, 100), KUBE_PROXY,
                false).get(0);
        assertThat(e.attributesByKey()).containsEntry("source", "api+allowance").doesNotContainKey("lastRequestMs");
        assertThat(e.atMs()).isEqualTo(T + 1100);
        assertThat(e.detail()).contains("requests reuse connections (keep-alive)");
    }

    @Test
    void thePodHeaderAloneMeasuresItWhereNoRequestLogIsCollected() throws Exception {
        Load l = load(T + 700, true, false);
        TimelineEvent e = DataPath.routingStopped(List.of(l.client()), Map.of(), deletion(5000, 100), KUBE_PROXY, true)
                .get(0);
        assertThat(e.attributesByKey()).containsEntry("source", "response-header").doesNotContainKey(
                "lastRequestServerMs");
        assertThat(e.atMs()).isBetween(T + 670, T + 700);
    }

    @Test
    void aPodThatStopsAcceptingAtSigtermCannotShowItsRoutingSoTheApiMomentPlusTheAllowanceIsUsedAndSaid()
            throws Exception {
        // the naive app: SIGTERM 2 ms after the deletion, its listener closed; what is still routed to it is refused
        Load l = load(T, false, true);
        TimelineEvent e = DataPath.routingStopped(List.of(l.client()), l.servers(), deletion(2, 100), KUBE_PROXY, true)
                .get(0);
        assertThat(e.atMs()).isEqualTo(T + 100 + 1000);
        assertThat(e.attributesByKey()).containsEntry("source", "api+allowance").containsEntry("allowanceMs", "1000");
        assertThat(e.detail()).contains("assumed", "kube-proxy's sync", "not measured",
                "only 0 request(s) were sent between its deletion and its SIGTERM");
    }

    @Test
    void aLastRequestLaterThanTheAllowanceIsNeverIgnored() throws Exception {
        // SIGTERM at +1.5 s (a short preStop) while requests still reached it at +1.8 s: routing outlived both
        Load l = load(T + 1800, false, true);
        TimelineEvent e = DataPath.routingStopped(List.of(l.client()), l.servers(), deletion(1500, 100), KUBE_PROXY, true)
                .get(0);
        assertThat(e.attributesByKey()).containsEntry("source", "api+allowance");
        assertThat(e.atMs()).as("no earlier than the last request seen").isBetween(T + 1770, T + 1800);
        assertThat(e.detail()).contains("requests still reached it until +", "its SIGTERM came 280 ms before the last"
                + " request that reached it");
    }

    @Test
    void tooFewRequestsWhileItStillAcceptedTellNothing() throws Exception {
        List<String> client = List.of("# zerodrop client requests v1 run tk", "0 " + (T - 100) + " " + (T - 90) + " 1",
                "1 " + (T + 200) + " " + (T + 210) + " 1", "2 " + (T + 400) + " " + (T + 410) + " 1");
        Path c = Files.write(dir.resolve("few.log"), client);
        Path a = Files.write(dir.resolve("a.log"), List.of("R tk-0 " + (T - 99)));
        Path b = Files.write(dir.resolve("b.log"), List.of("R tk-1 " + (T + 201), "R tk-2 " + (T + 401)));
        TimelineEvent e = DataPath.routingStopped(List.of(c), Map.of("pod-a", a, "pod-b", b), deletion(5000, 100),
                KUBE_PROXY, true).get(0);
        assertThat(e.attributesByKey()).containsEntry("source", "api+allowance");
        assertThat(e.detail()).contains("only 2 request(s) were sent between its deletion and its SIGTERM (10 needed");
    }

    @Test
    void onTheLocalRuntimeTheEndpointChangeIsTheDataPathsMoment() throws Exception {
        Load l = load(T, false, true);
        TimelineEvent e = DataPath.routingStopped(List.of(l.client()), l.servers(), deletion(2, 100),
                DataPath.Allowance.NONE, true).get(0);
        assertThat(e.atMs()).isEqualTo(T + 100);
        assertThat(e.attributesByKey()).containsEntry("source", "api").containsEntry("allowanceMs", "0");
    }

    @Test
    void withoutEvidenceAndWithoutTheApisMomentNothingIsClaimed() throws Exception {
        Path c = Files.write(dir.resolve("c.log"), List.of("# zerodrop client requests v1 run tk"));
        assertThat(DataPath.routingStopped(List.of(c), Map.of(), deletion(2, -1), KUBE_PROXY, true)).isEmpty();
        TimelineEvent e = DataPath.routingStopped(List.of(c), Map.of(), deletion(2, 300), KUBE_PROXY, true).get(0);
        assertThat(e.atMs()).isEqualTo(T + 1300);
        assertThat(e.detail()).contains("no request log and no pod header names this pod");
    }

    @Test
    void requestsOfAnotherRunInAReusedLogAreNotEvidence() throws Exception {
        Load l = load(T, false, true);
        Path a = l.servers().get("pod-a");
        Files.write(a, List.of("R old-5 " + (T + 3000), "R tk-999999 " + (T + 3000)),
                StandardOpenOption.APPEND);
        TimelineEvent e = DataPath.routingStopped(List.of(l.client()), l.servers(), deletion(2, 100), KUBE_PROXY, true)
                .get(0);
        assertThat(e.atMs()).isEqualTo(T + 1100);
    }
}
