package io.zerodrop.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** report.json's header: its keys in their order, {@code run} left out when the run had no marker, the HTML's rows. */
class HeaderTest {
    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void theHeadersKeysAreReportJsonsAndTheHtmlTablesInOneOrder() {
        Header h = new Header("1.0", "run", "20261205-103012-0af31b2c", "local", "Deployment web", "3.13", "java",
                "os", 2, "host-a", "one clock", Map.of("steps", List.of("delete-1")));
        JsonNode json = JsonReport.JSON.valueToTree(h);
        assertThat(keys(json)).containsExactly("zerodrop", "command", "run", "runtime", "target", "gatling", "java",
                "os", "cpus", "host", "clock", "settings");
        assertThat(h.fields().keySet()).containsExactlyElementsOf(keys(json));
        assertThat(json.path("cpus").isInt()).isTrue();

        Header unmarked = Header.of("traffic");
        assertThat(keys(JsonReport.JSON.valueToTree(unmarked))).doesNotContain("run");
        assertThat(unmarked.fields()).doesNotContainKey("run");
        assertThat(unmarked.generators()).isEmpty();
    }
}
