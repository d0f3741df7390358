package io.zerodrop.findings;

import java.util.List;
import java.util.Map;

/** Failure messages zerodrop does not classify, quoted with their counts: kept verbatim, never dropped. */
final class UnclassifiedRule implements FindingRule {
    @Override
    public List<Finding> diagnose(RunEvidence e) {
        Map<String, Long> other = e.analysis().otherMessages();
        if (other.isEmpty()) {
            return List.of();
        }
        List<String> quoted = other.entrySet().stream().limit(5).map(m -> "\"" + m.getKey() + "\" ×" + m.getValue())
                .toList();
        return List.of(new Finding(Finding.Severity.INFO, "unclassified-failures",
                other.size() + " distinct failure message(s) zerodrop does not classify: " + String.join(", ", quoted)
                        + (other.size() > 5 ? " and " + (other.size() - 5) + " more (report.json)" : ""),
                String.join(" | ", other.keySet().stream().limit(5).toList()), ""));
    }
}
