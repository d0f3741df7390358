package io.zerodrop.findings;

import io.zerodrop.scenario.Setting;
import io.zerodrop.workload.Workload;

/** The setting {@code zerodrop tune} recommends, as a kustomize patch of the workload (null where none applies). */
public final class TunePatch {
    private TunePatch() {
    }

    /**
     * The patch that sets {@code setting} to {@code value} in {@code w} (the workload as its manifests write it: the
     * patch applies to them), with {@code why} as its comment; null for a setting {@code tune} does not search. A
     * readiness setting on a container without a readiness probe brings the probe the runs had (a TCP check of the
     * container's port, as {@code Scenario.Settings.applyTo} adds): a probe without a handler is refused by the API.
     * Every setting is named here, so a new one needs its answer.
     */
    public static String of(Workload w, Setting setting, String value, String why) {
        return switch (setting) {
            case PRE_STOP_SLEEP_SECONDS -> Patches.container(w, "tune", why, "lifecycle:\n  preStop:\n"
                    + "    # Kubernetes >= 1.30; before: exec: {command: [\"sleep\", \"" + value + "\"]}\n"
                    + "    sleep:\n      seconds: " + value + "\n");
            case TERMINATION_GRACE_PERIOD_SECONDS -> Patches.podSpec(w, "tune", why, "terminationGracePeriodSeconds: "
                    + value + "\n");
            case READINESS_PERIOD_SECONDS, READINESS_FAILURE_THRESHOLD -> Patches.container(w, "tune", why,
                    "readinessProbe:\n" + (w.readinessProbe().isPresent() ? "" : "  # the container has no readiness"
                    + " probe: a TCP check of its port, as the runs had\n  tcpSocket:\n    port: " + w.containerPort()
                    + "\n") + "  " + setting.field() + ": " + value + "\n");
            case REPLICAS -> "# zerodrop tune: " + why + "\napiVersion: apps/v1\nkind: " + w.kind() + "\nmetadata:\n"
                    + "  name: " + w.name() + "\nspec:\n  replicas: " + value + "\n";
            case MAX_SURGE, MAX_UNAVAILABLE -> "# zerodrop tune: " + why + "\napiVersion: apps/v1\nkind: " + w.kind()
                    + "\nmetadata:\n  name: " + w.name() + "\nspec:\n  strategy:\n    rollingUpdate:\n      "
                    + setting.field() + ": " + (value.endsWith("%") ? "\"" + value + "\"" : value) + "\n";
            case READINESS_INITIAL_DELAY_SECONDS, PDB_MIN_AVAILABLE, PDB_MAX_UNAVAILABLE -> null; // not tunable
        };
    }
}
