package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.analysis.Analyzer;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.engine.Experiment;
import io.zerodrop.report.Header;
import io.zerodrop.report.RunReport;
import io.zerodrop.verdict.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The demo's exit: 0 when naive fails and hardened passes; a variant this machine could not judge (seen: the hardened
 * run's baseline already as slow as the request timeout on a starved machine) is exit 3 naming it, not exit 1 as if
 * the demo had shown something wrong.
 */
class DemoExitTest {
    private static Experiment.Outcome outcome(Verdict.Status status) {
        Verdict v = new Verdict(status, List.of(), List.of());
        RunReport r = new RunReport(Header.of("demo"), List.of(), List.of(), new Analyzer(0, 0, List.of(), 1, 1).result(),
                Optional.empty(), List.of(), v, Optional.empty());
        return new Experiment.Outcome(r, List.of(), v.exitCode(), "");
    }

    private static int exit(Verdict.Status naive, Verdict.Status hardened, StringWriter said) {
        Map<String, Experiment.Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put("naive", outcome(naive));
        outcomes.put("hardened", outcome(hardened));
        return DemoCommand.exitCode(outcomes, new PrintWriter(said, true));
    }

    @Test
    void theDemoPassesOnlyWhenNaiveFailsAndHardenedPasses() {
        StringWriter said = new StringWriter();
        assertThat(exit(Verdict.Status.FAILED, Verdict.Status.PASSED, said)).isEqualTo(ExitCodes.PASSED);
        assertThat(exit(Verdict.Status.FAILED, Verdict.Status.FAILED, said)).isEqualTo(ExitCodes.VERDICT_FAILED);
        assertThat(exit(Verdict.Status.PASSED, Verdict.Status.PASSED, said)).isEqualTo(ExitCodes.VERDICT_FAILED);
        assertThat(said.toString()).isEmpty();
    }

    @Test
    void aVariantThisMachineCouldNotJudgeIsAnEnvironmentErrorNamingIt() {
        StringWriter said = new StringWriter();
        assertThat(exit(Verdict.Status.FAILED, Verdict.Status.INCONCLUSIVE, said)).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(said.toString()).contains("could not judge hardened (INCONCLUSIVE)", "spare CPU")
                .doesNotContain("naive");
    }
}
