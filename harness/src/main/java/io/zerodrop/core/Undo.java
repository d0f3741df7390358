package io.zerodrop.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Every mutation zerodrop makes (a process started, a rule added, a pod deleted) registers its undo here
 * <em>before</em> it is applied. {@link #close()} runs the undos newest first, on success, on failure, and from a
 * JVM shutdown hook on SIGINT/SIGTERM; each runs once, and a failing undo does not stop the others.
 */
public final class Undo implements AutoCloseable {
    /** One undo step. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private record Step(String what, Action action) {
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    private final Thread hook = new Thread(this::runAll, "zerodrop-undo");
    private final List<String> failures = new ArrayList<>();
    private boolean hooked;
    private boolean closing;

    /**
     * Registers the undo of a mutation that is about to be applied; returns a handle that runs it early. Once the
     * undos have started running (close, or the shutdown hook on SIGINT/SIGTERM), registration is refused with an
     * exception, so the mutation is never applied behind the teardown's back.
     */
    public synchronized Registration register(String what, Action action) {
        if (closing) {
            throw new ZerodropException(ExitCodes.ENVIRONMENT, "zerodrop is shutting down: not starting to "
                    + what.replaceFirst("^(stop|close) ", "") + " (" + what + ")");
        }
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(hook);
            hooked = true;
        }
        Step step = new Step(what, action);
        steps.push(step);
        return () -> runOne(step);
    }

    /** Runs one registered undo now, if it has not run yet. */
    @FunctionalInterface
    public interface Registration {
        void undoNow();
    }

    private void runOne(Step step) {
        synchronized (this) {
            if (!steps.remove(step)) {
                return;
            }
        }
        execute(step);
    }

    private void execute(Step step) {
        try {
            step.action().run();
        } catch (Exception e) {
            synchronized (this) {
                failures.add(step.what() + ": " + e);
            }
            System.err.println("zerodrop: undo of " + step.what() + " failed: " + e);
        }
    }

    private void runAll() {
        synchronized (this) {
            closing = true;
        }
        while (true) {
            Step step;
            synchronized (this) {
                step = steps.poll();
            }
            if (step == null) {
                return;
            }
            execute(step);
        }
    }

    /** Undos that failed so far, as "what: error". */
    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    public synchronized int pending() {
        return steps.size();
    }

    @Override
    public void close() {
        runAll();
        synchronized (this) {
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run
                }
                hooked = false;
            }
        }
    }
}
