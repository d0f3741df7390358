package io.zerodrop.report;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.findings.Finding;
import io.zerodrop.ledger.GroundTruth;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.traffic.GeneratorRow;
import io.zerodrop.verdict.Verdict;
import java.util.List;
import java.util.Optional;

/**
 * The run journal: a header describing the environment and the settings under test, the steps zerodrop took, the
 * timeline, the analysis, the ground truth (when the target keeps a ledger), findings and the verdict. Every
 * timestamp is epoch milliseconds from one host clock (named in the header).
 */
public record RunReport(
        Header header,
        List<JournalEntry> steps,
        List<TimelineEvent> timeline,
        AnalysisResult analysis,
        Optional<GroundTruth> groundTruth,
        List<Finding> findings,
        Verdict verdict,
        Optional<String> gatlingReport) {

    /** The load generators of a run from inside the cluster; empty for the single local generator. */
    public List<GeneratorRow> generators() {
        return header.generators();
    }
}
