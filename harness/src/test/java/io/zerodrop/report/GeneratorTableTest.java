package io.zerodrop.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zerodrop.traffic.GeneratorRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The load generators' rows: typed from the fleet to the report, and in report.json as they always were. */
class GeneratorTableTest {
    private static final GeneratorRow LATE = GeneratorRow.ran("load-1", "node node-1", 50.0, -120, 3, "offset -120 ± 3",
            "offset -119 ± 3", 1_700_000_000_250L, 250L, "/out/load-1/simulation.log", null);
    private static final GeneratorRow DIED = GeneratorRow.ran("load-0", "node node-0", 50.0, 40, 2, "offset 40 ± 2",
            "offset 41 ± 2", null, null, null, "OOMKilled (exit code 137)");

    private static RunReport report(List<GeneratorRow> rows) {
        return new RunReport(Header.of("run").withSettings(Map.of("loadGenerators", rows)), List.of(), List.of(), null,
                Optional.empty(), List.of(), null, Optional.empty());
    }

    @Test
    void reportJsonKeepsTheRowsKeysAndLeavesOutWhatWasNotMeasured() {
        GeneratorRow measured = LATE.measured(700, 600, 3, 49.96, false);

        JsonNode json = JsonReport.JSON.valueToTree(report(List.of(measured, DIED)).header());
        JsonNode rows = json.at("/settings/loadGenerators");

        List<String> keys = new ArrayList<>();
        rows.get(0).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("name", "where", "askedRate", "clockOffsetMs", "clockUncertaintyMs",
                "clockBefore", "clockAfter", "injectionStartedMs", "injectionLateMs", "simulationLog", "requests",
                "measured", "failed", "achievedRate", "saturated");
        assertThat(rows.get(0).path("achievedRate").asDouble()).isEqualTo(50.0);
        assertThat(rows.get(0).path("measured").asLong()).isEqualTo(600);
        List<String> dead = new ArrayList<>();
        rows.get(1).fieldNames().forEachRemaining(dead::add);
        assertThat(dead).containsExactly("name", "where", "askedRate", "clockOffsetMs", "clockUncertaintyMs",
                "clockBefore", "clockAfter", "died");
    }

    @Test
    void theTableShowsEachGeneratorAndDashesForWhatWasNotMeasured() {
        StringBuilder h = new StringBuilder();
        GeneratorTable.render(h, report(List.of(LATE.measured(700, 600, 3, 20.0, true), DIED)));

        assertThat(h).contains("<td>load-1</td><td>node node-1</td><td>-120 ms ± 3</td><td>+250 ms late</td>"
                + "<td>50.0 req/s</td><td>20.0 req/s</td><td>600</td><td>3</td><td class=\"FAILED\">saturated</td>");
        assertThat(h).contains("<td>load-0</td><td>node node-0</td><td>+40 ms ± 2</td><td>–</td><td>50.0 req/s</td>"
                + "<td>–</td><td>–</td><td>–</td><td class=\"PASSED\">ok</td>");
    }

    @Test
    void aRunWithOneLocalGeneratorHasNoTable() {
        StringBuilder h = new StringBuilder();
        GeneratorTable.render(h, report(List.of()));
        assertThat(h).isEmpty();
        assertThat(report(List.of()).generators()).isEmpty();
    }
}
