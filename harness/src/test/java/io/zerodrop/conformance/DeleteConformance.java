package io.zerodrop.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * What every runtime must show for the delete scenario (one pod deleted under load), asserted on {@code report.json}
 * alone, so that the local runtime and a cluster are held to the same account: the deleted pod's termination in
 * order (marked, SIGTERM — seen or inferred — no earlier, its end after both, out of rotation no earlier than
 * marked, routing stopped once and said how it is known), the disruption measured (verdict PASSED or FAILED, never INCONCLUSIVE), every failure attributed to a
 * termination phase of the deleted pod or its replacement, and, where the servers' accounts were collected, client
 * and servers reconciled.
 */
public final class DeleteConformance {
    private static final Set<String> TERMINATION_PHASES = Set.of("MARKED_BEFORE_SIGTERM", "SIGTERM_ENDPOINT_LIVE",
            "DRAINING", "AFTER_EXIT", "AFTER_SIGKILL", "REPLACEMENT_STARTING");

    private DeleteConformance() {
    }

    private static List<JsonNode> events(JsonNode report, String pod) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : report.path("timeline")) {
            if (e.path("pod").asText().equals(pod)) {
                out.add(e);
            }
        }
        return out;
    }

    private static long first(List<JsonNode> events, String... types) {
        Set<String> wanted = Set.of(types);
        return events.stream().filter(e -> wanted.contains(e.path("type").asText()) || (wanted.contains("REMOVED")
                && "true".equals(e.path("attributes").path("podDeleted").asText()))).mapToLong(e -> e.path("atMs")
                .asLong()).min().orElse(-1);
    }

    public static void assertConforms(JsonNode report) {
        String status = report.path("verdict").path("status").asText();
        assertThat(status).as("the deletion was measured: " + report.path("verdict")).isIn("PASSED", "FAILED");

        List<JsonNode> marks = StreamSupport.stream(report.path("timeline").spliterator(), false)
                .filter(e -> e.path("type").asText().equals("POD_MARKED_FOR_DELETION")
                        && !e.path("disruption").asText().isEmpty()).toList();
        assertThat(marks).as("one pod marked for deletion by the step").hasSize(1);
        String pod = marks.get(0).path("pod").asText();
        List<JsonNode> own = events(report, pod);
        long marked = first(own, "POD_MARKED_FOR_DELETION");
        long sigterm = first(own, "SIGTERM_SENT");
        long end = first(own, "CONTAINER_EXITED", "REMOVED");
        assertThat(sigterm).as("SIGTERM, seen or inferred").isGreaterThanOrEqualTo(marked);
        assertThat(end).as("the pod ended after it was marked and signalled").isGreaterThanOrEqualTo(sigterm);
        boolean endpointsSeen = StreamSupport.stream(report.path("timeline").spliterator(), false)
                .anyMatch(e -> e.path("type").asText().startsWith("ENDPOINT_"));
        if (endpointsSeen) {
            long out = first(own, "ENDPOINT_NOT_READY", "ENDPOINT_TERMINATING", "ENDPOINT_REMOVED");
            assertThat(out).as("the deleted pod left rotation, not before it was marked").isGreaterThanOrEqualTo(marked);
            // the data path's moment, beside the API's: measured from where requests went, or the API's plus the
            // runtime's stated allowance, never earlier than the API's unless measured
            List<JsonNode> routing = own.stream().filter(e -> e.path("type").asText().equals("ROUTING_STOPPED"))
                    .toList();
            assertThat(routing).as("when traffic stopped reaching the deleted pod").hasSize(1);
            JsonNode r = routing.get(0);
            String source = r.path("attributes").path("source").asText();
            assertThat(source).isIn("request-log", "response-header", "api", "api+allowance");
            assertThat(r.path("atMs").asLong()).as("routing stopped, not before the pod was marked")
                    .isGreaterThanOrEqualTo(marked);
            if (source.startsWith("api")) {
                long assumed = out + r.path("attributes").path("allowanceMs").asLong();
                long at = r.path("atMs").asLong();
                assertThat(at).as("an unmeasured moment is the API's plus the allowance, or a later request seen")
                        .isEqualTo(at > assumed ? r.path("attributes").path("lastRequestMs").asLong() : assumed);
            }
        }
        JsonNode termination = StreamSupport.stream(report.path("terminations").spliterator(), false)
                .filter(t -> t.path("pod").asText().equals(pod)).findFirst().orElseThrow();
        String replacement = termination.path("replacement").asText();

        long failed = report.path("requests").path("failed").asLong();
        long byPhase = 0;
        for (var it = report.path("requests").path("failuresByPhase").fields(); it.hasNext(); ) {
            var f = it.next();
            assertThat(f.getKey()).as("failures fall in the deleted pod's termination").isIn(TERMINATION_PHASES);
            byPhase += f.getValue().asLong();
        }
        assertThat(byPhase).as("every failure has a phase").isEqualTo(failed);
        report.path("requests").path("failuresByPod").fieldNames().forEachRemaining(p ->
                assertThat(p).as("failures are put on the deleted pod or its replacement").isIn(pod, replacement));

        JsonNode g = report.path("groundTruth");
        if (!g.isNull() && !g.isMissingNode()) {
            assertThat(g.path("serverOk").asLong()).as("every client OK was answered by a server")
                    .isGreaterThanOrEqualTo(g.path("clientOk").asLong());
            assertThat(g.path("serverReceived").asLong()).as("no request counted twice")
                    .isLessThanOrEqualTo(g.path("clientTotal").asLong());
            assertThat(g.path("serverReceived").asLong()).as("the ledgers add up").isEqualTo(g.path("serverOk")
                    .asLong() + g.path("serverError").asLong() + g.path("serverCut").asLong()
                    + g.path("serverClientAborted").asLong());
        }
    }
}
