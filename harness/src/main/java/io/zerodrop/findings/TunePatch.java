package io.zerodrop.findings;

import io.zerodrop.workload.Workload;

/** The setting {@code zerodrop tune} recommends, as a kustomize patch of the workload (null where none applies). */
public final class TunePatch {
    private TunePatch() {
    }

    public static String of(Workload w, String param, String value, String why) {
        return switch (param) {
            case "preStopSleepSeconds" -> Patches.container(w, "tune", why, "lifecycle:\n  preStop:\n"
                    + "    # Kubernetes >= 1.30; before: exec: {command: [\"sleep\", \"" + value + "\"]}\n"
                    + "    sleep:\n      seconds: " + value + "\n");
            case "terminationGracePeriodSeconds" -> Patches.podSpec(w, "tune", why, "terminationGracePeriodSeconds: "
                    + value + "\n");
            case "readinessPeriodSeconds" -> Patches.container(w, "tune", why, "readinessProbe:\n  periodSeconds: "
                    + value + "\n");
            case "readinessFailureThreshold" -> Patches.container(w, "tune", why, "readinessProbe:\n  failureThreshold: "
                    + value + "\n");
            case "replicas" -> "# zerodrop tune: " + why + "\napiVersion: apps/v1\nkind: " + w.kind() + "\nmetadata:\n"
                    + "  name: " + w.name() + "\nspec:\n  replicas: " + value + "\n";
            case "maxSurge", "maxUnavailable" -> "# zerodrop tune: " + why + "\napiVersion: apps/v1\nkind: " + w.kind()
                    + "\nmetadata:\n  name: " + w.name() + "\nspec:\n  strategy:\n    rollingUpdate:\n      " + param
                    + ": " + (value.endsWith("%") ? "\"" + value + "\"" : value) + "\n";
            default -> null;
        };
    }
}
