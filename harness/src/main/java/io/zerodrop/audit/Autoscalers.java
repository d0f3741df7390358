package io.zerodrop.audit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The input's HorizontalPodAutoscalers, of any version, by what they scale: a workload an autoscaler scales can be
 * scaled down to its {@code minReplicas}, whatever its own {@code replicas} says. Also how the audit reads an
 * object's fields whatever class fabric8 gave it ({@link #path}).
 */
final class Autoscalers {
    private final List<AuditObject> objects;

    Autoscalers(List<AuditObject> objects) {
        this.objects = objects;
    }

    /** The autoscaler of {@code w}, if the input has one. */
    Optional<AuditObject> of(AuditObject w) {
        if (autoscalers == null) {
            Map<String, AuditObject> byTarget = new HashMap<>();
            for (AuditObject o : objects) {
                if ("HorizontalPodAutoscaler".equals(o.object().getKind())) {
                    Map<?, ?> ref = ObjectJson.path(o, "spec", "scaleTargetRef");
                    if (ref != null) {
                        byTarget.putIfAbsent(o.namespace() + "/" + ref.get("kind") + "/" + ref.get("name"), o);
                    }
                }
            }
            autoscalers = byTarget;
        }
        return Optional.ofNullable(autoscalers.get(w.namespace() + "/" + w.object().getKind() + "/"
                + w.object().getMetadata().getName()));
    }

    /** The autoscalers by namespace/kind/name of what they scale, read once. */
    private Map<String, AuditObject> autoscalers;

    /** Its {@code minReplicas}; 1 when omitted, as the API defaults it. */
    static int minReplicas(AuditObject hpa) {
        Map<?, ?> spec = ObjectJson.path(hpa, "spec");
        Object min = spec == null ? null : spec.get("minReplicas");
        return min instanceof Number n ? n.intValue() : 1;
    }
}
