package io.zerodrop.findings;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.EvictionStats;
import io.zerodrop.workload.Workload;
import java.util.List;

/**
 * What a run measured, as the finding rules read it: the timeline, the analysis, the workload, the evictions, and
 * how the load used its connections (a rule about kept-alive connections needs requests that rode one).
 */
public record RunEvidence(List<TimelineEvent> events, AnalysisResult analysis, Workload workload,
        EvictionStats evictions, Connections connections) {

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
            EvictionStats evictions) {
        this(events, analysis, workload, evictions, Connections.UNKNOWN);
    }
}
