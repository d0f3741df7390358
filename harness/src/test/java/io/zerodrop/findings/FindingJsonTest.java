package io.zerodrop.findings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.scenario.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A finding in report.json: its fields in order, its fix's settings by their scenario keys in the registry's order. */
class FindingJsonTest {
    @Test
    void aFindingsSettingsAreWrittenByKeyInTheRegistrysOrder() {
        Finding f = new Finding(Finding.Severity.ERROR, "replacement-not-ready", "t", "d", "fix", Map.of("n", 1),
                "patch", null).withSettings(Map.of(Setting.READINESS_FAILURE_THRESHOLD, "2",
                Setting.READINESS_PERIOD_SECONDS, "3"));

        JsonNode json = new ObjectMapper().valueToTree(List.of(f)).get(0);

        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("severity", "code", "title", "detail", "fix", "evidence", "patch",
                "patchFile", "settings");
        assertThat(json.path("settings").toString()).isEqualTo(
                "{\"readinessPeriodSeconds\":\"3\",\"readinessFailureThreshold\":\"2\"}");
        assertThat(f.settingsByKey()).containsExactly(Map.entry("readinessPeriodSeconds", "3"),
                Map.entry("readinessFailureThreshold", "2"));
        assertThat(new Finding(Finding.Severity.INFO, "c", "t", "d", "f").settingsByKey()).isEmpty();
    }
}
