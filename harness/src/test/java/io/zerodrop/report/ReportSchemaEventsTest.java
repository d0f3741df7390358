package io.zerodrop.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.timeline.Attribute;
import io.zerodrop.timeline.EventType;
import io.zerodrop.timeline.TimelineEvent;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped report.json schema names every timeline event type and every timeline attribute zerodrop writes, and no
 * other; an event's attributes appear in report.json under those names, in {@link Attribute}'s order.
 */
class ReportSchemaEventsTest {
    @Test
    void theSchemasEventTypesAreExactlyTheTimelines() throws Exception {
        JsonNode schema = schema();
        List<String> named = new ArrayList<>();
        schema.findValues("type").stream().filter(t -> t.has("enum") && t.path("enum").toString().contains("NOTE"))
                .findFirst().orElseThrow().path("enum").forEach(v -> named.add(v.asText()));
        assertThat(named).containsExactlyInAnyOrderElementsOf(Arrays.stream(EventType.values()).map(Enum::name)
                .toList());
    }

    @Test
    void theSchemasAttributeNamesAreExactlyTheTimelines() throws Exception {
        List<String> named = new ArrayList<>();
        schema().path("properties").path("timeline").path("items").path("properties").path("attributes")
                .path("propertyNames").path("enum").forEach(v -> named.add(v.asText()));
        assertThat(named).containsExactlyElementsOf(Arrays.stream(Attribute.values()).map(Attribute::key).toList());
        assertThat(named).doesNotHaveDuplicates();
    }

    @Test
    void anEventsAttributesAreWrittenByNameInTheEnumsOrder() throws Exception {
        TimelineEvent e = new TimelineEvent(1_000, EventType.CONTAINER_EXITED, "web-1", "delete-1", "exit 143",
                Map.of(Attribute.REASON, "Error", Attribute.CONTAINER, "app", Attribute.EXIT_CODE, "143"));
        JsonNode json = new ObjectMapper().valueToTree(List.of(e)).get(0);
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("atMs", "type", "pod", "disruption", "detail", "attributes");
        assertThat(json.path("attributes").toString()).isEqualTo(
                "{\"exitCode\":\"143\",\"reason\":\"Error\",\"container\":\"app\"}");
        assertThat(e.attribute(Attribute.EXIT_CODE)).isEqualTo("143");
        assertThat(e.has(Attribute.SOURCE)).isFalse();
        assertThat(e.attribute(Attribute.SOURCE, "none")).isEqualTo("none");
    }

    private JsonNode schema() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/io/zerodrop/report/report.schema.json")) {
            return new ObjectMapper().readTree(in);
        }
    }
}
