package io.zerodrop.audit;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;

/**
 * Reading an object as its JSON reads, whatever class fabric8 gave it (a typed model, or a generic resource for a
 * kind it does not know), with the audit's one serialization.
 */
final class ObjectJson {
    /** fabric8's serialization with its defaults: thread-safe, shared by every reader of the audit. */
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private ObjectJson() {
    }

    /** A nested map of the object as its JSON reads; null where absent. */
    static Map<?, ?> path(AuditObject o, String... keys) {
        Object at = SERIALIZATION.convertValue(o.object(), Map.class);
        for (String k : keys) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(k);
        }
        return at instanceof Map<?, ?> m ? m : null;
    }
}
