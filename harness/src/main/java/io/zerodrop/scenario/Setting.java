package io.zerodrop.scenario;

import io.zerodrop.core.IntOrPercent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings under test a scenario may change (besides {@code env}), each with its key, where it is written in a
 * scenario's {@code settings:}, the part of the workload it changes, the values it takes and its line in the plan.
 * The loader, {@code tune --param}, a finding's fix ({@link Scenario.Settings#with}) and both runtimes read this
 * list; {@code SettingsTest} checks that every setting loads, is refused out of range, and changes the workload on
 * both runtimes.
 */
public enum Setting {
    REPLICAS("replicas", null, Part.REPLICAS, 1, 50, true),
    TERMINATION_GRACE_PERIOD_SECONDS("terminationGracePeriodSeconds", null, Part.POD, 0, 3600, true),
    PRE_STOP_SLEEP_SECONDS("preStopSleepSeconds", null, Part.CONTAINER, 0, 3600, true),
    READINESS_PERIOD_SECONDS("readinessPeriodSeconds", "readinessProbe.periodSeconds", Part.READINESS_PROBE, 1, 3600,
            true),
    READINESS_FAILURE_THRESHOLD("readinessFailureThreshold", "readinessProbe.failureThreshold",
            Part.READINESS_PROBE, 1, 100, true),
    READINESS_INITIAL_DELAY_SECONDS("readinessInitialDelaySeconds", "readinessProbe.initialDelaySeconds",
            Part.READINESS_PROBE, 0, 3600, false),
    MAX_SURGE("maxSurge", "rollingUpdate.maxSurge", Part.ROLLING_UPDATE, -1, -1, true),
    MAX_UNAVAILABLE("maxUnavailable", "rollingUpdate.maxUnavailable", Part.ROLLING_UPDATE, -1, -1, true),
    PDB_MIN_AVAILABLE("pdbMinAvailable", "podDisruptionBudget.minAvailable", Part.BUDGET, -1, -1, false),
    PDB_MAX_UNAVAILABLE("pdbMaxUnavailable", "podDisruptionBudget.maxUnavailable", Part.BUDGET, -1, -1, false);

    /** The part of the workload a setting changes: what a runtime patches for it. */
    public enum Part {
        /** The Deployment's replica count. */
        REPLICAS,
        /** The pod template's spec (the grace period). */
        POD,
        /** The first container itself (its preStop hook). */
        CONTAINER,
        /** The first container's readiness probe (a minimal TCP one is added when it has none). */
        READINESS_PROBE,
        /** The Deployment's rolling update strategy. */
        ROLLING_UPDATE,
        /** The PodDisruptionBudget selecting the pods (one of the run's own when there is none). */
        BUDGET
    }

    private final String key;
    private final String path;
    private final Part part;
    private final long min;
    private final long max;
    private final boolean tunable;

    Setting(String key, String path, Part part, long min, long max, boolean tunable) {
        this.key = key;
        this.path = path == null ? key : path;
        this.part = part;
        this.min = min;
        this.max = max;
        this.tunable = tunable;
    }

    /** The name a finding's fix and {@code tune --param} use, e.g. {@code readinessPeriodSeconds}. */
    public String key() {
        return key;
    }

    /** Where it is written under a scenario's {@code settings:}, e.g. {@code readinessProbe.periodSeconds}. */
    public String path() {
        return path;
    }

    /** The section it is written in ({@code readinessProbe}, …), or empty when written at the top of settings. */
    public Optional<String> section() {
        int dot = path.indexOf('.');
        return dot < 0 ? Optional.empty() : Optional.of(path.substring(0, dot));
    }

    /** Its name inside its section (its key when it has none). */
    public String field() {
        return path.substring(path.indexOf('.') + 1);
    }

    public Part part() {
        return part;
    }

    /** Whether {@code zerodrop tune --param} searches it. */
    public boolean tunable() {
        return tunable;
    }

    /** A whole number in a range ({@link #min()}..{@link #max()}); otherwise a whole number or a percentage. */
    public boolean whole() {
        return min >= 0;
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    /** What its values are, for errors: "a whole number from 0 to 3600", "a whole number or a percentage like 25%". */
    public String expected() {
        return whole() ? "a whole number from " + min + " to " + max : IntOrPercent.EXPECTED;
    }

    /** Why {@code value} cannot be this setting, or null when it can. */
    public String problem(String value) {
        String v = value == null ? "" : value.trim();
        if (!whole()) {
            return IntOrPercent.valid(v) ? null : "expected " + expected();
        }
        if (v.matches("\\d{1,9}")) {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return null;
            }
        }
        return "expected " + expected();
    }

    /** Its line in the plan and the report, e.g. "preStop sleep 5 s", "rollingUpdate maxSurge 25%". */
    public String describe(String value) {
        return switch (this) {
            case PRE_STOP_SLEEP_SECONDS -> value.equals("0") ? "no preStop hook" : "preStop sleep " + value + " s";
            case PDB_MIN_AVAILABLE, PDB_MAX_UNAVAILABLE -> "PodDisruptionBudget " + field() + " " + value;
            default -> path.replace('.', ' ') + " " + value;
        };
    }

    /** {@code chosen} as report.json and the console show settings: by key, in this list's order. */
    public static Map<String, String> byKey(Map<Setting, String> chosen) {
        Map<String, String> m = new LinkedHashMap<>();
        Arrays.stream(values()).filter(chosen::containsKey).forEach(s -> m.put(s.key, chosen.get(s)));
        return m;
    }

    /** The setting named {@code key} (as a fix or {@code --param} names it). */

    public static Optional<Setting> named(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }

    /** The keys of every setting {@code tune} can search, in this list's order. */
    public static List<String> tunableKeys() {
        return Arrays.stream(values()).filter(Setting::tunable).map(Setting::key).toList();
    }
}
