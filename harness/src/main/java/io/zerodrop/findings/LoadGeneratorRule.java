package io.zerodrop.findings;

import io.zerodrop.analysis.AnalysisResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The load generator's own trouble, so it is never read as the target's: it could not send the asked rate
 * (saturated), its slowest second fell below 75 % of it (stalled), or Gatling reported errors of its own.
 */
final class LoadGeneratorRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        AnalysisResult a = e.analysis();
        List<Finding> out = new ArrayList<>();
        if (a.loadGeneratorSaturated()) {
            out.add(new Finding(Finding.Severity.ERROR, "load-generator-saturated",
                    "the load generator could not send the asked rate",
                    String.format(Locale.ROOT, "asked %.1f req/s, sent %.1f req/s after the warm-up",
                            a.askedRate(), a.achievedRate()),
                    "lower --rate, or run zerodrop on a machine with spare CPU; measured on 2 cores: Gatling's JIT"
                            + " warm-up alone gives p99 > 1 s in the first 2 s, and 2,000 req/s collapses into timeouts"));
        }
        if (!a.loadGeneratorSaturated() && a.loadGeneratorStalled()) {
            out.add(new Finding(Finding.Severity.WARNING, "load-generator-stalled",
                    "the load generator stalled: its slowest second sent less than 75 % of the asked rate",
                    String.format(Locale.ROOT, "slowest whole second after the warm-up: %.0f requests of %.1f"
                            + " asked; the average was %.1f req/s", a.lowestSecondRate(), a.askedRate(),
                            a.achievedRate()),
                    "failures in that second may be the load generator's own (GC pause, CPU starvation): look at"
                            + " the chart; lower --rate or give the load generator more CPU"));
        }
        if (!a.loadGeneratorErrors().isEmpty()) {
            out.add(new Finding(Finding.Severity.ERROR, "load-generator-errors",
                    "Gatling reported " + a.loadGeneratorErrors().values().stream().mapToLong(Long::longValue).sum()
                            + " error(s) of its own",
                    String.join(" | ", a.loadGeneratorErrors().keySet().stream().limit(5).toList()),
                    "these are not target failures: fix the simulation or its parameters"));
        }
        return out;
    }
}
