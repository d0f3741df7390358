package io.zerodrop.traffic;

import java.util.function.Consumer;

/** What a running simulation tells its caller while it runs. */
public interface TrafficListener {
    /**
     * Gatling announced that injection starts ("Simulation … started…" on its console), seen by zerodrop at
     * {@code seenMs} on this host's clock: the moment the disruption schedule counts from. Called at most once.
     */
    default void injectionStarted(long seenMs) {
    }

    /**
     * One load generator of several died during the load ({@code why}: its exit code and last words, or what its
     * pod's kubelet said); the others go on and what it had sent is kept.
     */
    default void generatorLost(String name, String why) {
    }

    /** A progress reading, about once a second. */
    default void progress(Progress p) {
    }

    static TrafficListener ofProgress(Consumer<Progress> c) {
        return new TrafficListener() {
            @Override
            public void progress(Progress p) {
                c.accept(p);
            }
        };
    }
}
