package io.zerodrop.disruption;

import java.time.Duration;

/**
 * A disruption step's options as the scenario gave them, parsed and within their bounds; each kind reads the ones
 * it takes ({@link DisruptionKind#keys()}) and the others hold their defaults.
 *
 * @param selector     which pods ({@code select}); every kind has one, those that act on no pod ignore it
 * @param graceSeconds {@code grace}: the deletion's grace period, null = the pod's own
 * @param node         {@code node}: a node's name, or {@code busiest}
 * @param timeout      {@code timeout}: how long evictions are retried
 * @param retry        {@code retry}: the wait between two eviction attempts
 * @param by           {@code by}: replicas to add (negative: remove)
 * @param hold         {@code hold}: how long a scale is held before it is set back
 */
public record StepOptions(PodSelector selector, Long graceSeconds, String node, Duration timeout, Duration retry,
        int by, Duration hold) {
}
