package io.zerodrop.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.timeline.EventType;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped report.json schema names every timeline event type zerodrop writes, and no other. */
class ReportSchemaEventsTest {
    @Test
    void theSchemasEventTypesAreExactlyTheTimelines() throws Exception {
        JsonNode schema;
        try (InputStream in = getClass().getResourceAsStream("/io/zerodrop/report/report.schema.json")) {
            schema = new ObjectMapper().readTree(in);
        }
        List<String> named = new ArrayList<>();
        schema.findValues("type").stream().filter(t -> t.has("enum") && t.path("enum").toString().contains("NOTE"))
                .findFirst().orElseThrow().path("enum").forEach(v -> named.add(v.asText()));
        assertThat(named).containsExactlyInAnyOrderElementsOf(Arrays.stream(EventType.values()).map(Enum::name)
                .toList());
    }
}
