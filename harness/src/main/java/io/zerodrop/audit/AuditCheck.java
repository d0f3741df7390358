package io.zerodrop.audit;

import java.util.List;

/** One check: an id that never changes, what it is about, and the findings it has on the objects. */
public interface AuditCheck {
    String id();

    /** A few words, for the rule list in SARIF and the table. */
    String title();

    List<AuditFinding> check(AuditContext c);
}
