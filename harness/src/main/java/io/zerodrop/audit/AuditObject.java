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

    /** The object's namespace; empty when it names none (then it is in the input's one namespace, as for kubectl). */
    public String namespace() {
        return object.getMetadata() == null || object.getMetadata().getNamespace() == null ? ""
                : object.getMetadata().getNamespace();
    }

    /** "Deployment web", or "Deployment shop/web" for an object that names its namespace. */
    public String ref() {
        return kind() + " " + (namespace().isEmpty() ? name() : namespace() + "/" + name());
    }
}
