package io.zerodrop.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.report.ConsoleSummary;
import io.zerodrop.report.Header;
import io.zerodrop.report.JsonReport;
import io.zerodrop.report.RunReport;
import io.zerodrop.timeline.Timeline;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.verdict.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A run that measured no request prints no measurement: no availability, no error rate, no saturation. */
class NothingMeasuredTest {
    @Test
    void aRunThatMeasuredNothingPrintsNoAvailabilityAndNoSaturation() {
        AnalysisResult nothing = Measurement.nothingMeasured(new Timeline(), 200);
        assertThat(nothing.measuredAnything()).isFalse();
        assertThat(nothing.loadGeneratorSaturated()).isFalse();

        Verdict judged = Verdict.judge(nothing, new Expectations(0L, null, null, null, 99.0, null), null);
        assertThat(judged.status()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(judged.reasons()).anySatisfy(r -> assertThat(r).contains("nothing was measured"))
                .noneSatisfy(r -> assertThat(r).contains("saturated"));

        RunReport report = new RunReport(Header.of("run"), List.of(), List.of(), nothing, Optional.empty(),
                List.of(), Verdict.error("deploy failed: the image cannot be started"), Optional.empty());
        String console = ConsoleSummary.render(report, "t", List.of());
        assertThat(console).contains("availability n/a (nothing measured)", "asked 200.0/s  nothing measured")
                .doesNotContain("100.000", "SATURATED", "achieved");
        JsonNode json = JsonReport.toJson(report).path("requests");
        assertThat(json.path("availabilityPercent").isNull()).isTrue();
        assertThat(json.path("errorRatePercent").isNull()).isTrue();
        assertThat(json.path("loadGeneratorSaturated").asBoolean()).isFalse();
    }
}
