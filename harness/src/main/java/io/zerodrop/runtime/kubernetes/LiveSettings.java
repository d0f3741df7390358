package io.zerodrop.runtime.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings under test on a cluster: what the scenario's {@code settings:} ask to change on the live workload. Every
 * field is nullable (null: leave as it is); {@code env} empty: leave the environment as it is. The container changed
 * is the workload's first container.
 */
public record LiveSettings(Integer replicas, Long terminationGracePeriodSeconds, Long preStopSleepSeconds,
        Map<String, String> env, Integer readinessPeriodSeconds, Integer readinessFailureThreshold,
        Integer readinessInitialDelaySeconds, String maxSurge, String maxUnavailable, String pdbMinAvailable,
        String pdbMaxUnavailable) {

    /** Nothing under test: the workload as it is. */
    public static final LiveSettings NONE = new LiveSettings(null, null, null, Map.of(), null, null, null, null, null,
            null, null);

    public LiveSettings {
        env = env == null ? Map.of() : Map.copyOf(new TreeMap<>(env));
    }

    public boolean isEmpty() {
        return !touchesDeployment() && !touchesBudget();
    }

    boolean touchesDeployment() {
        return replicas != null || terminationGracePeriodSeconds != null || preStopSleepSeconds != null
                || !env.isEmpty() || touchesReadiness() || maxSurge != null || maxUnavailable != null;
    }

    boolean touchesReadiness() {
        return readinessPeriodSeconds != null || readinessFailureThreshold != null
                || readinessInitialDelaySeconds != null;
    }

    boolean touchesBudget() {
        return pdbMinAvailable != null || pdbMaxUnavailable != null;
    }

    /** One line per change, for the plan and the report. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        if (replicas != null) {
            out.add("replicas " + replicas);
        }
        if (terminationGracePeriodSeconds != null) {
            out.add("terminationGracePeriodSeconds " + terminationGracePeriodSeconds);
        }
        if (preStopSleepSeconds != null) {
            out.add(preStopSleepSeconds == 0 ? "no preStop hook" : "preStop sleep " + preStopSleepSeconds + " s");
        }
        env.forEach((k, v) -> out.add("env " + k + "=" + v));
        if (readinessPeriodSeconds != null) {
            out.add("readinessProbe periodSeconds " + readinessPeriodSeconds);
        }
        if (readinessFailureThreshold != null) {
            out.add("readinessProbe failureThreshold " + readinessFailureThreshold);
        }
        if (readinessInitialDelaySeconds != null) {
            out.add("readinessProbe initialDelaySeconds " + readinessInitialDelaySeconds);
        }
        if (maxSurge != null) {
            out.add("rollingUpdate maxSurge " + maxSurge);
        }
        if (maxUnavailable != null) {
            out.add("rollingUpdate maxUnavailable " + maxUnavailable);
        }
        if (pdbMinAvailable != null) {
            out.add("PodDisruptionBudget minAvailable " + pdbMinAvailable);
        }
        if (pdbMaxUnavailable != null) {
            out.add("PodDisruptionBudget maxUnavailable " + pdbMaxUnavailable);
        }
        return out;
    }
}
