package io.zerodrop.runtime;

import io.zerodrop.core.Undo;
import io.zerodrop.timeline.Timeline;

/**
 * Makes the runtime of one run, given the run's timeline and undo registry: how a run pipeline gets a runtime without
 * knowing which one (each runtime package offers its own).
 */
@FunctionalInterface
public interface RuntimeFactory {
    Runtime create(Timeline timeline, Undo undo);
}
