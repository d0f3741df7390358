package io.zerodrop.audit;

/**
 * One problem found: which check ({@code id}), how bad, on which object and field, why it drops requests, and the
 * fix. {@code inferred}: the check could not be certain (it says what it assumed). {@code location}: where the
 * object came from (file:line, or the cluster). {@code ignoredBecause}: the reason given by the object's
 * {@code zerodrop.io/ignore} annotation, null when not ignored.
 */
public record AuditFinding(String id, Severity severity, String object, String field, String why, String fix,
        boolean inferred, Source location, String ignoredBecause) {

    /** Where an object came from: a file and the line its document starts on (0: unknown), or a description. */
    public record Source(String file, int line, String description) {
        @Override
        public String toString() {
            return file == null ? description : line > 0 ? file + ":" + line + (description != null ? " ("
                    + description + ")" : "") : description != null ? file + " (" + description + ")" : file;
        }
    }

    public AuditFinding ignored(String reason) {
        return new AuditFinding(id, severity, object, field, why, fix, inferred, location, reason);
    }

    public boolean counts() {
        return ignoredBecause == null;
    }
}
