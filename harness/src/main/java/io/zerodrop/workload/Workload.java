package io.zerodrop.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the manifests say about the workload under test, in the terms both runtimes need: the pod template's one
 * container (its name, image, command, env, port, probes, preStop), grace period, replicas, rollout strategy, the Service
 * that fronts it, and the PodDisruptionBudget that guards it.
 */
public record Workload(
        String kind,
        String name,
        int replicas,
        Map<String, String> podLabels,
        String container,
        String image,
        List<String> command,
        List<String> args,
        Map<String, String> env,
        List<String> envFromPodName,
        int containerPort,
        Optional<Probe> startupProbe,
        Optional<Probe> readinessProbe,
        Optional<Probe> livenessProbe,
        Optional<Probe> preStop,
        long terminationGracePeriodSeconds,
        String maxSurge,
        String maxUnavailable,
        Optional<Service> service,
        Optional<Budget> budget) {

    /** A Service selecting the pods: its port and the container port it targets. */
    public record Service(String name, int port, int targetPort) {
    }

    /**
     * A PodDisruptionBudget selecting the pods; one of {@code minAvailable} and {@code maxUnavailable} is set, each as
     * written ("2" or "50%").
     */
    public record Budget(String name, String minAvailable, String maxUnavailable, String unhealthyPodEvictionPolicy) {
    }

    /** The workload as a report header and a dry run show it: one line per setting that decides its shutdown. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind + " " + name);
        m.put("replicas", replicas);
        m.put("image", image);
        m.put("terminationGracePeriodSeconds", terminationGracePeriodSeconds);
        m.put("preStop", preStop.map(p -> p.describe()).orElse("none"));
        m.put("startupProbe", startupProbe.map(p -> p.describe()).orElse("none"));
        m.put("readinessProbe", readinessProbe.map(p -> p.describe() + " every " + p.periodSeconds() + " s")
                .orElse("none"));
        m.put("livenessProbe", livenessProbe.map(p -> p.describe()).orElse("none"));
        m.put("env", env);
        m.put("rollingUpdate", "maxSurge " + maxSurge + ", maxUnavailable " + maxUnavailable);
        m.put("service", service.map(x -> x.name() + " :" + x.port() + " -> " + x.targetPort()).orElse("none"));
        m.put("podDisruptionBudget", budget.map(b -> b.name() + (b.minAvailable() != null ? " minAvailable "
                + b.minAvailable() : " maxUnavailable " + b.maxUnavailable())).orElse("none"));
        return m;
    }
}
