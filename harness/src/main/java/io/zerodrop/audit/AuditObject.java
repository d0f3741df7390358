package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * One object under audit and where it came from.
 *
 * @param workload what the checks read of it when it runs pods of a kind the audit reads ({@link WorkloadKinds}),
 *     else null
 * @param readAs the API version it was written in when it was read as another one ({@link LegacyVersions}), else
 *     null
 */
public record AuditObject(HasMetadata object, AuditFinding.Source source, Workload workload, String readAs) {

    public AuditObject(HasMetadata object, AuditFinding.Source source) {
        this(object, source, WorkloadKinds.view(object), null);
    }

    /** {@code written} read as its current API version, with its workload view. */
    static AuditObject read(HasMetadata written, AuditFinding.Source source) {
        HasMetadata current = LegacyVersions.current(written);
        return new AuditObject(current, source, WorkloadKinds.view(current), current == written ? null
                : written.getApiVersion());
    }

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
