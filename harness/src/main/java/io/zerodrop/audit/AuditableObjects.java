package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.zerodrop.core.Durations;
import java.util.List;
import java.util.Map;

/**
 * What an object must hold before the checks can read it: the API server would refuse these objects too (a
 * Deployment without containers, a budget of {@code "abc%"}), and a check that met one would crash instead of
 * saying where the input is wrong.
 */
final class AuditableObjects {
    private AuditableObjects() {
    }

    /** Why {@code a} cannot be audited, said after its kind and name ("has no spec"), or null when it can. */
    static String incomplete(AuditObject a) {
        HasMetadata o = a.object();
        if (o.getMetadata() == null || o.getMetadata().getName() == null || o.getMetadata().getName().isBlank()) {
            return "has no metadata.name: expected every object to be named";
        }
        String version = version(a);
        if (version != null) {
            return version;
        }
        if (o instanceof Deployment d && d.getSpec() != null && d.getSpec().getStrategy() != null
                && d.getSpec().getStrategy().getRollingUpdate() != null) {
            String bad = intOrPercent(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge(),
                    "spec.strategy.rollingUpdate.maxSurge");
            bad = bad != null ? bad : intOrPercent(d.getSpec().getStrategy().getRollingUpdate()
                    .getMaxUnavailable(), "spec.strategy.rollingUpdate.maxUnavailable");
            if (bad != null) {
                return bad;
            }
        }
        String strategy = strategy(o);
        if (strategy != null) {
            return strategy;
        }
        String stated = statedDurations(a);
        if (stated != null) {
            return stated;
        }
        if (a.workload() != null) {
            if (a.workload().template() == null && !a.workload().templatePath().isEmpty() && !hasSpec(o)) {
                return "has no spec: expected " + a.workload().templatePath() + " with its containers";
            }
            return template(a.workload());
        }
        if (o instanceof PodDisruptionBudget b) {
            if (b.getSpec() == null) {
                return "has no spec: expected spec.selector and minAvailable or maxUnavailable";
            }
            if (b.getSpec().getMinAvailable() != null && b.getSpec().getMaxUnavailable() != null) {
                return "has both spec.minAvailable and spec.maxUnavailable: expected one of them (the API server"
                        + " refuses both)";
            }
            String bad = intOrPercent(b.getSpec().getMinAvailable(), "spec.minAvailable");
            return bad != null ? bad : intOrPercent(b.getSpec().getMaxUnavailable(), "spec.maxUnavailable");
        }
        if (o instanceof Service s && s.getSpec() == null) {
            return "has no spec: expected spec.ports and spec.selector";
        }
        return null;
    }

    /** The API versions a kind the audit reads is served in (and the old ones it reads as current). */
    private static final Map<String, List<String>> VERSIONS = Map.of(
            "Deployment", List.of("apps/v1", "apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"),
            "StatefulSet", List.of("apps/v1", "apps/v1beta1", "apps/v1beta2"),
            "DaemonSet", List.of("apps/v1", "apps/v1beta2", "extensions/v1beta1"),
            "ReplicaSet", List.of("apps/v1", "apps/v1beta2", "extensions/v1beta1"),
            "PodDisruptionBudget", List.of("policy/v1", "policy/v1beta1"),
            "Service", List.of("v1"), "Pod", List.of("v1"), "ReplicationController", List.of("v1"),
            "HorizontalPodAutoscaler", List.of("autoscaling/v1", "autoscaling/v2", "autoscaling/v2beta1",
                    "autoscaling/v2beta2"));

    /**
     * A kind the audit reads under an API version Kubernetes never served it in ({@code v1} Deployment): refused,
     * not passed over as if it were some other object. A group with a dot is a custom resource's (Knative's
     * {@code serving.knative.dev/v1} Service) and is left alone.
     */
    private static String version(AuditObject a) {
        String apiVersion = a.readAs() != null ? a.readAs() : a.object().getApiVersion();
        List<String> served = VERSIONS.get(a.kind());
        if (served == null || apiVersion == null || served.contains(apiVersion)) {
            return null;
        }
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return group.contains(".") ? null : "has apiVersion " + apiVersion + ": expected " + served.get(0)
                + (served.size() > 1 ? " (or an older " + String.join(", ", served.subList(1, served.size())) + ")"
                : "");
    }

    /** zerodrop's own duration annotations, on the object or its pod template: a value that is no duration. */
    private static String statedDurations(AuditObject a) {
        for (String key : List.of(OwnDelay.ANNOTATION, ShutdownChecks.DRAIN_ANNOTATION)) {
            Map<String, String> on = a.object().getMetadata().getAnnotations();
            String value = on == null ? null : on.get(key);
            String where = "metadata.annotations";
            if (value == null && a.workload() != null && a.workload().template() != null
                    && a.workload().template().getMetadata() != null
                    && a.workload().template().getMetadata().getAnnotations() != null) {
                value = a.workload().template().getMetadata().getAnnotations().get(key);
                where = a.workload().templatePath().isEmpty() ? where
                        : a.workload().templatePath() + ".metadata.annotations";
            }
            if (value != null && Durations.parse(value).isEmpty()) {
                return "has " + where + "[" + key + "] \"" + value + "\": expected " + Durations.EXPECTED;
            }
        }
        return null;
    }

    /** An update strategy type the API server refuses ("Other"), said with the types it takes; null when fine. */
    private static String strategy(HasMetadata o) {
        String type = null;
        String field = null;
        List<String> allowed = List.of("RollingUpdate", "OnDelete");
        if (o instanceof Deployment d && d.getSpec() != null && d.getSpec().getStrategy() != null) {
            type = d.getSpec().getStrategy().getType();
            field = "spec.strategy.type";
            allowed = List.of("RollingUpdate", "Recreate");
        } else if (o instanceof StatefulSet s && s.getSpec() != null && s.getSpec().getUpdateStrategy() != null) {
            type = s.getSpec().getUpdateStrategy().getType();
            field = "spec.updateStrategy.type";
        } else if (o instanceof DaemonSet d && d.getSpec() != null && d.getSpec().getUpdateStrategy() != null) {
            type = d.getSpec().getUpdateStrategy().getType();
            field = "spec.updateStrategy.type";
        }
        return type == null || allowed.contains(type) ? null : "has " + field + " \"" + type + "\": expected "
                + String.join(" or ", allowed);
    }

    private static boolean hasSpec(HasMetadata o) {
        return ObjectJson.SERIALIZATION.convertValue(o, Map.class).get("spec") != null;
    }

    private static String template(Workload w) {
        PodTemplateSpec t = w.template();
        if (t == null || t.getSpec() == null) {
            return "has no " + w.podSpecPath() + ": expected the pod " + (w.templatePath().isEmpty() ? "spec"
                    : "template") + " with its containers";
        }
        String containers = w.podSpecPath() + ".containers";
        if (t.getSpec().getContainers() == null || t.getSpec().getContainers().isEmpty()) {
            return "has no containers in " + containers + ": expected at least one";
        }
        for (Container c : t.getSpec().getContainers()) {
            if (c.getName() == null || c.getName().isBlank()) {
                return "has a container without a name in " + containers;
            }
        }
        return null;
    }

    private static String intOrPercent(IntOrString v, String field) {
        if (v == null || v.getStrVal() == null) {
            return null;
        }
        String s = v.getStrVal();
        if (s.matches("\\d{1,9}%") && Long.parseLong(s.substring(0, s.length() - 1)) <= 100) {
            return null;
        }
        return "has " + field + " \"" + s + "\": expected a whole number or a percentage from 0% to 100%";
    }
}
