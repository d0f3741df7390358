package io.zerodrop.findings;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.ledger.GroundTruth;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.EvictionStats;
import io.zerodrop.workload.Workload;
import java.util.List;
import java.util.Optional;

/**
 * What a run measured, as the finding rules read it: the timeline, the analysis, the workload (null for a load with
 * none, {@code zerodrop traffic}: only {@link Diagnosis#measurementRules()} read such a run), the evictions, how the
 * load used its connections (a rule about kept-alive connections needs requests that rode one), and the servers'
 * accounts where there were some.
 */
public record RunEvidence(List<TimelineEvent> events, AnalysisResult analysis, Workload workload,
        EvictionStats evictions, Connections connections, Optional<GroundTruth> truth) {

    /** How the load's requests used connections, as the simulation that sent them is built. */
    public enum Connections {
        /** Every request on a connection of its own: no request rode a kept-alive connection. */
        FRESH,
        /** A shared keep-alive pool: requests after the first on a connection rode a reused one. */
        POOLED,
        /** A simulation zerodrop does not know: whether requests reused connections is not shown. */
        UNKNOWN
    }

    public RunEvidence(List<TimelineEvent> events, AnalysisResult analysis, Workload workload,
            EvictionStats evictions, Connections connections) {
        this(events, analysis, workload, evictions, connections, Optional.empty());
    }

    public RunEvidence(List<TimelineEvent> events, AnalysisResult analysis, Workload workload,
            EvictionStats evictions) {
        this(events, analysis, workload, evictions, Connections.UNKNOWN);
    }

    /** What the measurement alone shows — no workload: a load's own findings, read by the measurement rules. */
    public static RunEvidence measured(List<TimelineEvent> events, AnalysisResult analysis, EvictionStats evictions,
            Optional<GroundTruth> truth) {
        return new RunEvidence(events, analysis, null, evictions, Connections.UNKNOWN, truth);
    }
}
