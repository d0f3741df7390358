package io.zerodrop.scenario;

import com.fasterxml.jackson.annotation.JsonValue;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.DisruptionKind;
import io.zerodrop.disruption.PodSelector;
import io.zerodrop.disruption.Step;
import io.zerodrop.disruption.StepOptions;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.workload.Probe;
import io.zerodrop.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A scenario file, validated: the target (manifests and runtime, or a workload and namespace in a cluster), the
 * settings under test applied over the
 * manifests, the load, the disruption steps, the expectations, and the local runtime's own settings.
 * The format is documented in the README ("Scenario files").
 */
public record Scenario(Path file, String name, Path manifests, String runtime, String workload, String namespace,
        Settings settings, LoadSpec load, List<StepSpec> steps, Expectations expectations, Local local,
        String trafficUrl, Duration startBudget, Duration routingAllowance) {
    /** The longest routing allowance a scenario may state. */
    public static final Duration MAX_ROUTING_ALLOWANCE = Duration.ofSeconds(60);

    /** A scenario that states no routing allowance (the runtime's own). */
    public Scenario(Path file, String name, Path manifests, String runtime, String workload, String namespace,
            Settings settings, LoadSpec load, List<StepSpec> steps, Expectations expectations, Local local,
            String trafficUrl, Duration startBudget) {
        this(file, name, manifests, runtime, workload, namespace, settings, load, steps, expectations, local,
                trafficUrl, startBudget, null);
    }

    /** The shortest and the longest start budget a scenario or the command line may set. */
    public static final Duration MIN_START_BUDGET = Duration.ofSeconds(5);
    public static final Duration MAX_START_BUDGET = Duration.ofHours(1);

    /** What is wrong with {@code d} as a start budget, or null when it is one. */
    public static String startBudgetProblem(Duration d) {
        return d.compareTo(MIN_START_BUDGET) < 0 || d.compareTo(MAX_START_BUDGET) > 0
                ? "expected 5s to 1h (how long the workload may take to be ready before the load starts)" : null;
    }

    /**
     * Settings under test: applied over what the manifests say. A setting not in {@code values} leaves the manifests
     * alone; {@code env} empty leaves the environment alone. What each setting is: {@link Setting}.
     */
    public record Settings(Map<Setting, String> values, Map<String, String> env) {

        /** Nothing under test: the manifests as they are. */
        public static final Settings NONE = new Settings(Map.of(), Map.of());

        public Settings {
            EnumMap<Setting, String> checked = new EnumMap<>(Setting.class);
            values.forEach((k, v) -> {
                String problem = k.problem(v);
                if (problem != null) {
                    throw ZerodropException.usage("setting " + k.path() + " \"" + v + "\" is invalid: " + problem);
                }
                checked.put(k, v.trim());
            });
            values = Collections.unmodifiableMap(checked);
            env = env == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(env));
        }

        /** True when the scenario sets nothing under test. */
        public boolean isEmpty() {
            return values.isEmpty() && env.isEmpty();
        }

        /**
         * As report.json shows them: every setting by its key (a whole number as a number; null when not set), and
         * {@code env} after the container's own settings.
         */
        @JsonValue
        public Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            inPlanOrder((k, v) -> out.put(k.key(), v == null || !k.whole() ? v : Long.valueOf(v)),
                    () -> out.put("env", env));
            return out;
        }

        /**
         * Every setting in {@link Setting}'s order with its value (null when not set), and {@code env} once, right
         * after the settings of the container itself: the order of the plan lines and of report.json.
         */
        private void inPlanOrder(BiConsumer<Setting, String> setting, Runnable atEnv) {
            boolean envDone = false;
            for (Setting k : Setting.values()) {
                if (!envDone && k.part().compareTo(Setting.Part.CONTAINER) > 0) {
                    atEnv.run();
                    envDone = true;
                }
                setting.accept(k, values.get(k));
            }
            if (!envDone) {
                atEnv.run();
            }
        }

        /** Whether a setting changes {@code part} of the workload. */
        public boolean touches(Setting.Part part) {
            return values.keySet().stream().anyMatch(k -> k.part() == part);
        }

        /** Whether the Deployment changes (its replicas, strategy, pod template or container). */
        public boolean touchesDeployment() {
            return !env.isEmpty() || values.keySet().stream().anyMatch(k -> k.part() != Setting.Part.BUDGET);
        }

        public boolean touchesReadiness() {
            return touches(Setting.Part.READINESS_PROBE);
        }

        public boolean touchesBudget() {
            return touches(Setting.Part.BUDGET);
        }

        /** The setting's value as written, when the scenario sets it. */
        public Optional<String> value(Setting k) {
            return Optional.ofNullable(values.get(k));
        }

        public Integer replicas() {
            return whole(Setting.REPLICAS);
        }

        public Long terminationGracePeriodSeconds() {
            return value(Setting.TERMINATION_GRACE_PERIOD_SECONDS).map(Long::valueOf).orElse(null);
        }

        public Long preStopSleepSeconds() {
            return value(Setting.PRE_STOP_SLEEP_SECONDS).map(Long::valueOf).orElse(null);
        }

        public Integer readinessPeriodSeconds() {
            return whole(Setting.READINESS_PERIOD_SECONDS);
        }

        public Integer readinessFailureThreshold() {
            return whole(Setting.READINESS_FAILURE_THRESHOLD);
        }

        public Integer readinessInitialDelaySeconds() {
            return whole(Setting.READINESS_INITIAL_DELAY_SECONDS);
        }

        public String maxSurge() {
            return values.get(Setting.MAX_SURGE);
        }

        public String maxUnavailable() {
            return values.get(Setting.MAX_UNAVAILABLE);
        }

        public String pdbMinAvailable() {
            return values.get(Setting.PDB_MIN_AVAILABLE);
        }

        public String pdbMaxUnavailable() {
            return values.get(Setting.PDB_MAX_UNAVAILABLE);
        }

        private Integer whole(Setting k) {
            return value(k).map(Integer::valueOf).orElse(null);
        }

        /** One line per change, for the plan and the report, in {@link Setting}'s order; env with the container's. */
        public List<String> describe() {
            List<String> out = new ArrayList<>();
            inPlanOrder((k, v) -> {
                if (v != null) {
                    out.add(k.describe(v));
                }
            }, () -> env.forEach((name, value) -> out.add("env " + name + "=" + value)));
            return out;
        }

        /**
         * Why {@code value} cannot be the setting {@code key} (as {@link Setting#key()} names it), or null when it
         * can.
         */
        public static String problem(String key, String value) {
            Optional<Setting> k = Setting.named(key);
            return k.isPresent() ? k.get().problem(value) : "not a setting under test; expected one of "
                    + Arrays.stream(Setting.values()).map(Setting::key).toList();
        }

        /**
         * These settings with {@code fix} over them, as a finding's fix or a tune trial's value is tried; a value out
         * of its setting's range is refused, naming the setting by its key. A budget's minAvailable and maxUnavailable
         * go together: a fix that sets one clears the other.
         */
        public Settings with(Map<Setting, String> fix) {
            EnumMap<Setting, String> out = new EnumMap<>(Setting.class);
            out.putAll(values);
            fix.forEach((k, v) -> {
                String problem = k.problem(v);
                if (problem != null) {
                    throw ZerodropException.usage(k.key() + " \"" + v + "\" is invalid: " + problem);
                }
            });
            if (fix.containsKey(Setting.PDB_MIN_AVAILABLE) || fix.containsKey(Setting.PDB_MAX_UNAVAILABLE)) {
                out.remove(Setting.PDB_MIN_AVAILABLE);
                out.remove(Setting.PDB_MAX_UNAVAILABLE);
            }
            out.putAll(fix);
            return new Settings(out, env);
        }

        public Workload applyTo(Workload w) {
            Map<String, String> env2 = new LinkedHashMap<>(w.env());
            env2.putAll(env);
            Optional<Probe> preStop = w.preStop();
            if (preStopSleepSeconds() != null) {
                preStop = preStopSleepSeconds() == 0 ? Optional.empty()
                        : Optional.of(new Probe(Probe.EXEC, "", 0, List.of("sleep", String.valueOf(preStopSleepSeconds())),
                                0, 0, 0, 0, 0, 0));
            }
            Optional<Probe> readiness = w.readinessProbe().or(() -> readinessPeriodSeconds() == null
                    && readinessFailureThreshold() == null && readinessInitialDelaySeconds() == null ? Optional.empty()
                    // readiness settings on a container without a probe add the minimal one: a TCP check of its port
                    : Optional.of(new Probe(Probe.TCP, "", w.containerPort(), List.of(), 0, 0, 10, 1, 1, 3)))
                    .map(r -> new Probe(r.kind(), r.httpPath(), r.port(),
                    r.command(), r.sleepSeconds(),
                    readinessInitialDelaySeconds() != null ? readinessInitialDelaySeconds() : r.initialDelaySeconds(),
                    readinessPeriodSeconds() != null ? readinessPeriodSeconds() : r.periodSeconds(), r.timeoutSeconds(),
                    r.successThreshold(),
                    readinessFailureThreshold() != null ? readinessFailureThreshold() : r.failureThreshold()));
            Optional<Workload.Budget> budget = w.budget();
            if (pdbMinAvailable() != null || pdbMaxUnavailable() != null) {
                budget = Optional.of(new Workload.Budget(budget.map(Workload.Budget::name).orElse(w.name() + "-zerodrop"),
                        pdbMinAvailable(), pdbMaxUnavailable(),
                        budget.map(Workload.Budget::unhealthyPodEvictionPolicy).orElse("IfHealthyBudget")));
            }
            return new Workload(w.kind(), w.name(), replicas() != null ? replicas() : w.replicas(), w.podLabels(),
                    w.container(), w.image(), w.command(), w.args(), Map.copyOf(env2), w.envFromPodName(), w.containerPort(),
                    w.startupProbe(), readiness, w.livenessProbe(), preStop,
                    terminationGracePeriodSeconds() != null ? terminationGracePeriodSeconds()
                            : w.terminationGracePeriodSeconds(),
                    maxSurge() != null ? maxSurge() : w.maxSurge(), maxUnavailable() != null ? maxUnavailable() : w.maxUnavailable(),
                    w.service(), budget);
        }
    }

    /** One disruption step as written. */
    public record StepSpec(String id, String action, PodSelector selector, Long graceSeconds, Duration at,
            Duration every, int times, String node, Duration timeout, Duration retry, int by, Duration hold) {

        /** The step's options as its kind reads them. */
        public StepOptions options() {
            return new StepOptions(selector, graceSeconds, node, timeout, retry, by, hold);
        }

        /** The step's kind (the loader refused any other action). */
        public DisruptionKind kind() {
            return DisruptionKind.named(action).orElseThrow(() -> new IllegalStateException("no disruption kind \""
                    + action + "\""));
        }

        public Step toStep() {
            return new Step(id, at.toMillis(), every == null ? 0 : every.toMillis(), times, kind().create(options()));
        }
    }

    /**
     * How the local runtime plays the cluster; {@code generatorClockSkewsMs}: when it plays the load Job, how far
     * ahead each generator's clock is made to run (to see the clock correction at work).
     */
    public record Local(int nodes, Duration endpointPropagation, Duration endpointJitter, Duration kubeletNotice,
            Map<String, String> images, String service, List<Long> generatorClockSkewsMs) {
        /** A scenario's when it says nothing under {@code local:} (as the README's scenario format documents). */
        public static final Local DEFAULTS = new Local(3, Duration.ofMillis(1000), Duration.ofMillis(250),
                Duration.ofMillis(100), Map.of(), "auto", List.of());
    }

    /**
     * The same scenario with {@code fix} over its settings under test (as {@link Settings#with}), its name followed
     * by {@code nameSuffix}: a tune trial's value, the fixes a second run verifies.
     */
    public Scenario withSettings(String nameSuffix, Map<Setting, String> fix) {
        return new Scenario(file, name + nameSuffix, manifests, runtime, workload, namespace, settings.with(fix), load,
                steps, expectations, local, trafficUrl, startBudget, routingAllowance);
    }

    /** The same scenario with another load (the command line's overrides). */
    public Scenario withLoad(LoadSpec newLoad) {
        return new Scenario(file, name, manifests, runtime, workload, namespace, settings, newLoad, steps, expectations,
                local, trafficUrl, startBudget, routingAllowance);
    }

    public List<Step> toSteps() {
        List<Step> out = new ArrayList<>();
        for (StepSpec s : steps) {
            out.add(s.toStep());
        }
        return out;
    }

    /** Where the load comes from, as the dry runs say it: nothing for the default (this host). */
    public String loadOrigin() {
        LoadFrom f = load().from();
        if (!f.cluster()) {
            return "";
        }
        int n = f.generatorCount(load().rate(), load().simulation());
        return String.format(Locale.ROOT, "  load from  inside the cluster: %d generator(s) of %.1f req/s"
                + " each (Indexed Job, image %s; the local runtime plays it with processes), clock resolution %d"
                + " ms%n", n, load().rate() / n, f.imageOrDefault(), f.clockResolutionMs());
    }
}
