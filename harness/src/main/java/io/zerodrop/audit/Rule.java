package io.zerodrop.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A check written as a function of the objects, reporting through {@link Found}. The checks are grouped by what
 * they are about (probes, budgets, rollouts, shutdown, Services), one class each.
 */
record Rule(String id, String title, BiConsumer<AuditContext, Found> body) implements AuditCheck {
    @Override
    public List<AuditFinding> check(AuditContext c) {
        Found f = new Found(id);
        body.accept(c, f);
        return f.findings;
    }

    /** Collects one check's findings. */
    static final class Found {
        private final String id;
        final List<AuditFinding> findings = new ArrayList<>();

        Found(String id) {
            this.id = id;
        }

        void add(Severity s, AuditObject o, String field, String why, String fix) {
            findings.add(new AuditFinding(id, s, o.ref(), field, why, fix, false, o.source(), null));
        }

        /** A finding the check could not be certain of: it says what it assumed. */
        void inferred(Severity s, AuditObject o, String field, String why, String fix) {
            findings.add(new AuditFinding(id, s, o.ref(), field, "(inferred) " + why, fix, true, o.source(), null));
        }
    }
}
