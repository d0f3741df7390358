package io.zerodrop.findings;

import java.util.List;

/** One diagnosis: from what the run measured to a finding with its evidence and, where one exists, the patch. */
public interface FindingRule {
    List<Finding> diagnose(RunEvidence e);
}
