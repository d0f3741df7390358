package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** One object under audit and where it came from. */
public record AuditObject(HasMetadata object, AuditFinding.Source source) {
    public String kind() {
        return object.getKind();
    }

    public String name() {
        return object.getMetadata() == null ? "" : object.getMetadata().getName();
    }

    /** "Deployment web". */
    public String ref() {
        return kind() + " " + name();
    }
}
