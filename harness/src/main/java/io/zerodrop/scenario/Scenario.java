package io.zerodrop.scenario;

import io.zerodrop.core.IntOrPercent;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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

    /** Settings under test: applied over what the manifests say. Null fields leave the manifests alone. */
    public record Settings(Integer replicas, Long terminationGracePeriodSeconds, Long preStopSleepSeconds,
            Map<String, String> env, Integer readinessPeriodSeconds, Integer readinessFailureThreshold,
            Integer readinessInitialDelaySeconds, String maxSurge, String maxUnavailable, String pdbMinAvailable,
            String pdbMaxUnavailable) {

        /** Nothing under test: the manifests as they are. */
        public static final Settings NONE = new Settings(null, null, null, Map.of(), null, null, null, null, null, null,
                null);

        /** True when the scenario sets nothing under test. */
        public boolean isEmpty() {
            return replicas == null && terminationGracePeriodSeconds == null && preStopSleepSeconds == null
                    && env.isEmpty() && readinessPeriodSeconds == null && readinessFailureThreshold == null
                    && readinessInitialDelaySeconds == null && maxSurge == null && maxUnavailable == null
                    && pdbMinAvailable == null && pdbMaxUnavailable == null;
        }

        /**
         * Why {@code value} cannot be the setting {@code key} (the bounds the scenario file's settings have), or null
         * when it can. Keys: as {@link #with}; env and other keys are not checked here.
         */
        public static String problem(String key, String value) {
            String v = value == null ? "" : value.trim();
            return switch (key) {
                case "replicas" -> whole(v, 1, 50);
                case "terminationGracePeriodSeconds", "preStopSleepSeconds" -> whole(v, 0, 3600);
                case "readinessPeriodSeconds" -> whole(v, 1, 3600);
                case "readinessFailureThreshold" -> whole(v, 1, 100);
                case "maxSurge", "maxUnavailable", "pdbMinAvailable", "pdbMaxUnavailable" ->
                        IntOrPercent.valid(v) ? null : "expected " + IntOrPercent.EXPECTED;
                default -> null;
            };
        }

        private static String whole(String v, long min, long max) {
            if (v.matches("\\d{1,9}")) {
                long n = Long.parseLong(v);
                if (n >= min && n <= max) {
                    return null;
                }
            }
            return "expected a whole number from " + min + " to " + max;
        }

        /**
         * These settings with {@code fix} over them (scenario keys: preStopSleepSeconds, terminationGracePeriodSeconds,
         * readinessPeriodSeconds, readinessFailureThreshold, pdbMaxUnavailable, …), as a finding's fix is tried.
         */
        public Settings with(Map<String, String> fix) {
            fix.forEach((k, v) -> {
                String problem = problem(k, v);
                if (problem != null) {
                    throw ZerodropException.usage(k + " \"" + v + "\" is invalid: " + problem);
                }
            });
            Function<String, Integer> i = k -> fix.containsKey(k) ? Integer.valueOf(fix.get(k))
                    : null;
            Function<String, Long> l = k -> fix.containsKey(k) ? Long.valueOf(fix.get(k)) : null;
            boolean budget = fix.containsKey("pdbMaxUnavailable") || fix.containsKey("pdbMinAvailable");
            return new Settings(i.apply("replicas") != null ? i.apply("replicas") : replicas,
                    l.apply("terminationGracePeriodSeconds") != null ? l.apply("terminationGracePeriodSeconds")
                            : terminationGracePeriodSeconds,
                    l.apply("preStopSleepSeconds") != null ? l.apply("preStopSleepSeconds") : preStopSleepSeconds, env,
                    i.apply("readinessPeriodSeconds") != null ? i.apply("readinessPeriodSeconds") : readinessPeriodSeconds,
                    i.apply("readinessFailureThreshold") != null ? i.apply("readinessFailureThreshold")
                            : readinessFailureThreshold, readinessInitialDelaySeconds,
                    fix.getOrDefault("maxSurge", maxSurge), fix.getOrDefault("maxUnavailable", maxUnavailable),
                    budget ? fix.get("pdbMinAvailable") : pdbMinAvailable,
                    budget ? fix.get("pdbMaxUnavailable") : pdbMaxUnavailable);
        }

        public Workload applyTo(Workload w) {
            Map<String, String> env2 = new LinkedHashMap<>(w.env());
            env2.putAll(env);
            Optional<Probe> preStop = w.preStop();
            if (preStopSleepSeconds != null) {
                preStop = preStopSleepSeconds == 0 ? Optional.empty()
                        : Optional.of(new Probe(Probe.EXEC, "", 0, List.of("sleep", String.valueOf(preStopSleepSeconds)),
                                0, 0, 0, 0, 0, 0));
            }
            Optional<Probe> readiness = w.readinessProbe().or(() -> readinessPeriodSeconds == null
                    && readinessFailureThreshold == null && readinessInitialDelaySeconds == null ? Optional.empty()
                    // readiness settings on a container without a probe add the minimal one: a TCP check of its port
                    : Optional.of(new Probe(Probe.TCP, "", w.containerPort(), List.of(), 0, 0, 10, 1, 1, 3)))
                    .map(r -> new Probe(r.kind(), r.httpPath(), r.port(),
                    r.command(), r.sleepSeconds(),
                    readinessInitialDelaySeconds != null ? readinessInitialDelaySeconds : r.initialDelaySeconds(),
                    readinessPeriodSeconds != null ? readinessPeriodSeconds : r.periodSeconds(), r.timeoutSeconds(),
                    r.successThreshold(),
                    readinessFailureThreshold != null ? readinessFailureThreshold : r.failureThreshold()));
            Optional<Workload.Budget> budget = w.budget();
            if (pdbMinAvailable != null || pdbMaxUnavailable != null) {
                budget = Optional.of(new Workload.Budget(budget.map(Workload.Budget::name).orElse(w.name() + "-zerodrop"),
                        pdbMinAvailable, pdbMaxUnavailable,
                        budget.map(Workload.Budget::unhealthyPodEvictionPolicy).orElse("IfHealthyBudget")));
            }
            return new Workload(w.kind(), w.name(), replicas != null ? replicas : w.replicas(), w.podLabels(),
                    w.container(), w.image(), w.command(), w.args(), Map.copyOf(env2), w.envFromPodName(), w.containerPort(),
                    w.startupProbe(), readiness, w.livenessProbe(), preStop,
                    terminationGracePeriodSeconds != null ? terminationGracePeriodSeconds
                            : w.terminationGracePeriodSeconds(),
                    maxSurge != null ? maxSurge : w.maxSurge(), maxUnavailable != null ? maxUnavailable : w.maxUnavailable(),
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
    public Scenario withSettings(String nameSuffix, Map<String, String> fix) {
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
