package io.zerodrop.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs every check over the objects and applies the objects' own ignores: the annotation
 * {@code zerodrop.io/ignore: "<check-id>: <reason>"} (several separated by {@code ;} or new lines) on an object
 * — or on a workload's pod template — turns that check's findings on it into ignored ones, shown with the reason.
 * An ignore without a reason, or naming no check, is itself an error (ZD001).
 */
public final class Auditor {
    public static final String IGNORE_ANNOTATION = "zerodrop.io/ignore";

    private Auditor() {
    }

    /** Every check, in id order. */
    public static List<AuditCheck> checks() {
        List<AuditCheck> all = new ArrayList<>();
        all.addAll(ProbeChecks.all());
        all.addAll(BudgetChecks.all());
        all.addAll(RolloutChecks.all());
        all.addAll(ShutdownChecks.all());
        all.addAll(ServiceChecks.all());
        all.sort(Comparator.comparing(AuditCheck::id));
        return all;
    }

    /** The ignore check's id: an ignore annotation without a reason or naming no check. */
    public static final String IGNORE_CHECK = "ZD001";

    public static List<AuditFinding> audit(AuditContext c) {
        List<AuditFinding> raw = new ArrayList<>();
        for (AuditCheck check : checks()) {
            raw.addAll(check.check(c));
        }
        Map<String, Map<String, String>> ignores = new HashMap<>();
        List<AuditFinding> out = new ArrayList<>();
        Set<String> known = new HashSet<>(checks().stream().map(AuditCheck::id).toList());
        for (AuditObject o : c.objects()) {
            for (String value : ignoreValues(o)) {
                for (String entry : value.split("[;\\n]")) {
                    if (entry.isBlank()) {
                        continue;
                    }
                    int colon = entry.indexOf(':');
                    String id = (colon < 0 ? entry : entry.substring(0, colon)).trim();
                    String reason = colon < 0 ? "" : entry.substring(colon + 1).trim();
                    String field = "metadata.annotations[" + IGNORE_ANNOTATION + "]";
                    if (!known.contains(id)) {
                        out.add(new AuditFinding(IGNORE_CHECK, Severity.ERROR, o.ref(), field, "\"" + entry.trim()
                                + "\" names no check (checks are " + checks().get(0).id() + "…"
                                + checks().get(checks().size() - 1).id() + "; see zerodrop audit --list)",
                                "write \"<check-id>: <reason>\"", false, o.source(), null));
                    } else if (reason.isEmpty()) {
                        out.add(new AuditFinding(IGNORE_CHECK, Severity.ERROR, o.ref(), field, "ignoring " + id
                                + " needs a reason: \"" + entry.trim() + "\" gives none", "write \"" + id
                                + ": <why this is safe here>\"", false, o.source(), null));
                    } else {
                        ignores.computeIfAbsent(o.ref(), k -> new HashMap<>()).put(id, reason);
                    }
                }
            }
        }
        for (AuditFinding f : raw) {
            String reason = Optional.ofNullable(ignores.get(f.object())).map(m -> m.get(f.id())).orElse(null);
            out.add(reason == null ? f : f.ignored(reason));
        }
        out.sort(Comparator.comparing(AuditFinding::severity).thenComparing(AuditFinding::object)
                .thenComparing(AuditFinding::id));
        return out;
    }

    private static List<String> ignoreValues(AuditObject o) {
        List<String> v = new ArrayList<>();
        var a = o.object().getMetadata().getAnnotations();
        if (a != null && a.get(IGNORE_ANNOTATION) != null) {
            v.add(a.get(IGNORE_ANNOTATION));
        }
        if (o.workload() != null) {
            var t = AuditContext.template(o).getMetadata();
            if (t != null && t != o.object().getMetadata() && t.getAnnotations() != null
                    && t.getAnnotations().get(IGNORE_ANNOTATION) != null) {
                v.add(t.getAnnotations().get(IGNORE_ANNOTATION));
            }
        }
        return v;
    }

    /** True when a finding that counts is an error: the audit fails (exit 1). */
    public static boolean failed(List<AuditFinding> findings) {
        return findings.stream().anyMatch(f -> f.counts() && f.severity() == Severity.ERROR);
    }
}
