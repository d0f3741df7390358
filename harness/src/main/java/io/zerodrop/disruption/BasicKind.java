package io.zerodrop.disruption;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/** A {@link DisruptionKind} of parts, as the disruption classes declare theirs. */
final class BasicKind implements DisruptionKind {
    private final String action;
    private final List<String> keys;
    private final Function<StepOptions, Disruption> create;
    private final BiFunction<StepOptions, ApiTarget, String> apiCalls;
    private final List<ApiAccess> access;
    private final Function<StepOptions, Optional<String[]>> problem;
    private final Map<String, String> whyNot;
    private final boolean putsBack;

    private BasicKind(String action, List<String> keys, Function<StepOptions, Disruption> create,
            BiFunction<StepOptions, ApiTarget, String> apiCalls, List<ApiAccess> access,
            Function<StepOptions, Optional<String[]>> problem, Map<String, String> whyNot, boolean putsBack) {
        this.action = action;
        this.keys = List.copyOf(keys);
        this.create = create;
        this.apiCalls = apiCalls;
        this.access = List.copyOf(access);
        this.problem = problem;
        this.whyNot = Map.copyOf(whyNot);
        this.putsBack = putsBack;
    }

    static BasicKind of(String action, List<String> keys, Function<StepOptions, Disruption> create,
            BiFunction<StepOptions, ApiTarget, String> apiCalls, List<ApiAccess> access) {
        return new BasicKind(action, keys, create, apiCalls, access, o -> Optional.empty(), Map.of(), false);
    }

    /** The same kind, with a check of a step's options: {@code [key, message]} when something is wrong. */
    BasicKind checking(Function<StepOptions, Optional<String[]>> check) {
        return new BasicKind(action, keys, create, apiCalls, access, check, whyNot, putsBack);
    }

    /** The same kind, saying why it does not take {@code key}. */
    BasicKind refusing(String key, String why) {
        return new BasicKind(action, keys, create, apiCalls, access, problem, Map.of(key, why), putsBack);
    }

    /** The same kind, saying that its change is put back at the run's end ({@link #putsBack()}). */
    BasicKind puttingBack() {
        return new BasicKind(action, keys, create, apiCalls, access, problem, whyNot, true);
    }

    @Override
    public String action() {
        return action;
    }

    @Override
    public List<String> keys() {
        return keys;
    }

    @Override
    public Optional<String[]> problem(StepOptions o) {
        return problem.apply(o);
    }

    @Override
    public String whyNot(String key) {
        return whyNot.getOrDefault(key, "");
    }

    @Override
    public Disruption create(StepOptions o) {
        return create.apply(o);
    }

    @Override
    public String apiCalls(StepOptions o, ApiTarget target) {
        return apiCalls.apply(o, target);
    }

    @Override
    public List<ApiAccess> access() {
        return access;
    }

    @Override
    public boolean putsBack() {
        return putsBack;
    }

    @Override
    public String toString() {
        return action;
    }
}
