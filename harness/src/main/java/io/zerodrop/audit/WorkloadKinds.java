package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds the audit reads pods of, and the reason for every other object that runs pods and is not read — so
 * that the report says what it passed over instead of passing it silently.
 */
final class WorkloadKinds {
    static final List<WorkloadKind> ALL = List.of(AppsKind.DEPLOYMENT, AppsKind.STATEFUL_SET, AppsKind.DAEMON_SET,
            AppsKind.REPLICA_SET, new ReplicationControllerKind(), new BarePodKind(), new ArgoRolloutKind());

    private WorkloadKinds() {
    }

    /** The kinds read, for messages: "Deployment, StatefulSet, …". */
    static String names() {
        return String.join(", ", ALL.stream().map(k -> k.kind().equals("Rollout") ? "Argo Rollout" : k.kind())
                .toList());
    }

    /** The object's workload view, or null when it is no kind the audit reads (or a Helm hook). */
    static Workload view(HasMetadata o) {
        return helmHook(o) != null ? null : readable(o);
    }

    /** The workload view of any object of a kind the audit reads; null for other kinds. */
    private static Workload readable(HasMetadata o) {
        for (WorkloadKind k : ALL) {
            Optional<Workload> w = k.read(o);
            if (w.isPresent()) {
                return w.get();
            }
        }
        return null;
    }

    /** Why an object that runs pods is not audited; null when it is audited or runs none that the audit knows of. */
    static String notAudited(HasMetadata o) {
        String hook = helmHook(o);
        if (hook != null && readable(o) != null) {
            return "a Helm hook (helm.sh/hook: " + hook + "): it runs around an install, upgrade or test, not as"
                    + " part of the application that serves requests";
        }
        String kind = o.getKind();
        String group = o.getApiVersion() == null ? "" : o.getApiVersion();
        if ((kind.equals("Job") || kind.equals("CronJob")) && group.startsWith("batch/")) {
            return "runs its pods to completion: they serve no Service traffic that a deletion could drop, so the"
                    + " shutdown, readiness and budget checks do not apply";
        }
        if (ArgoRolloutKind.referencesWorkload(o)) {
            return "takes its pod template from the workload in spec.workloadRef, which is audited where it is"
                    + " defined";
        }
        if (o instanceof GenericKubernetesResource g && holdsPodTemplate(g.getAdditionalProperties().get("spec"))) {
            return "a custom resource whose controller runs the pods of its template; zerodrop audit reads "
                    + names() + " (audit the objects its controller creates with zerodrop audit --runtime kubernetes)";
        }
        return null;
    }

    /** The value of the object's {@code helm.sh/hook} annotation, or null. */
    private static String helmHook(HasMetadata o) {
        var a = o.getMetadata() == null ? null : o.getMetadata().getAnnotations();
        return a == null ? null : a.get("helm.sh/hook");
    }

    /** A custom resource (of no group the API server itself serves): its operator may create pods. */
    static boolean custom(HasMetadata o) {
        return o instanceof GenericKubernetesResource && !ArgoRolloutKind.isRollout(o);
    }

    /** Whether a spec holds a pod template ({@code template.spec.containers}) at its top or one level down. */
    private static boolean holdsPodTemplate(Object spec) {
        if (!(spec instanceof Map<?, ?> m)) {
            return false;
        }
        if (podTemplate(m.get("template")) || podTemplate(m.get("podTemplate"))) {
            return true;
        }
        return m.values().stream().anyMatch(v -> v instanceof Map<?, ?> inner && (podTemplate(inner.get("template"))
                || podTemplate(inner.get("podTemplate"))));
    }

    private static boolean podTemplate(Object t) {
        return t instanceof Map<?, ?> m && m.get("spec") instanceof Map<?, ?> spec && spec.get("containers") != null;
    }
}
