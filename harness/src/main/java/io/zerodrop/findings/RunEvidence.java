package io.zerodrop.findings;

import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.timeline.TimelineEvent;
import io.zerodrop.verdict.EvictionStats;
import io.zerodrop.workload.Workload;
import java.util.List;

/** What a run measured, as the finding rules read it: the timeline, the analysis, the workload, the evictions. */
public record RunEvidence(List<TimelineEvent> events, AnalysisResult analysis, Workload workload,
        EvictionStats evictions) {
}
