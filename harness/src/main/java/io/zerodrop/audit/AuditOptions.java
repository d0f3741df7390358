package io.zerodrop.audit;

/**
 * What the checks cannot read from the manifests: the drain time to expect when neither an annotation
 * ({@code zerodrop.io/expected-drain}) nor a known app setting says it ({@code drainSeconds} null: the stated
 * default), and how long endpoint removal takes to reach every node ({@code propagationSeconds}).
 */
public record AuditOptions(Double drainSeconds, double propagationSeconds) {
    /** The drain assumed when nothing says otherwise, stated in every finding that relies on it. */
    public static final double DEFAULT_DRAIN_SECONDS = 5;
    public static final double DEFAULT_PROPAGATION_SECONDS = 5;

    public static AuditOptions defaults() {
        return new AuditOptions(null, DEFAULT_PROPAGATION_SECONDS);
    }
}
