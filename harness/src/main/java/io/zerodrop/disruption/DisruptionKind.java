package io.zerodrop.disruption;

import java.util.List;
import java.util.Optional;

/**
 * One kind of disruption as a scenario names it ({@code action: evict}), with everything the rest of zerodrop needs
 * to know of it: the step keys it takes beyond the common ones, what is wrong with a step of it, the disruption it
 * makes, the API calls a dry run on a cluster lists, and the access those calls need. Every kind is in
 * {@link #all()}; a new disruption is its class, its kind there, and its test.
 */
public interface DisruptionKind {
    /** Keys every step has: its id, its action, its pods, when and how often. */
    List<String> COMMON_KEYS = List.of("id", "action", "select", "at", "every", "times");

    /** The name a scenario's step gives as its {@code action}. */
    String action();

    /** The step keys this kind reads beyond {@link #COMMON_KEYS} (e.g. evict: timeout, retry). */
    List<String> keys();

    /**
     * Why a step of this kind with these options cannot run, as {@code [key, message]}, or empty. The default: every
     * option within its own bounds is fine.
     */
    default Optional<String[]> problem(StepOptions o) {
        return Optional.empty();
    }

    /**
     * Why this kind refuses {@code key} beyond "it applies to …", e.g. kill: "it is grace 0"; empty when there is
     * nothing more to say.
     */
    default String whyNot(String key) {
        return "";
    }

    /** The disruption a step of this kind makes. */
    Disruption create(StepOptions o);

    /** The API calls a step of this kind makes on a cluster, as {@code --dry-run} lists them. */
    String apiCalls(StepOptions o, ApiTarget target);

    /** What those calls need from the API server's authorization. */
    List<ApiAccess> access();

    /**
     * Whether a step of this kind changes something the run puts back at its end (a scale, a cordon): on a cluster
     * the change is recorded before it is made, so that a cleanup after a killed run can put it back too.
     */
    default boolean putsBack() {
        return false;
    }

    /** Every kind, in the order the README's scenario format lists them. */
    static List<DisruptionKind> all() {
        return List.of(DeletePods.DELETE, DeletePods.KILL, EvictPods.KIND, DrainNode.KIND, RolloutRestart.KIND,
                Scale.KIND);
    }

    /** The kind named {@code action}, if there is one. */
    static Optional<DisruptionKind> named(String action) {
        return all().stream().filter(k -> k.action().equals(action)).findFirst();
    }

    /** The actions of every kind, for error messages. */
    static List<String> actions() {
        return all().stream().map(DisruptionKind::action).toList();
    }

    /** The kinds that take {@code key}, by action. */
    static List<String> taking(String key) {
        return all().stream().filter(k -> k.keys().contains(key)).map(DisruptionKind::action).toList();
    }
}
