package io.zerodrop.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
    private final Thread hook = new Thread(this::interrupted, "zerodrop-undo");
    private volatile boolean interrupted;
    private final List<String> failures = new ArrayList<>();
    private final List<Done> done = new ArrayList<>();

    /** An undo that ran: what, when (epoch ms), and its error (null when it worked). */
    public record Done(String what, long startMs, long endMs, String error) {
    }
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
        return new Registration() {
            @Override
            public void undoNow() {
                runOne(step);
            }

            @Override
            public void cancel() {
                synchronized (Undo.this) {
                    steps.remove(step);
                }
            }
        };
    }

    /** A registered undo. */
    public interface Registration {
        /** Runs the undo now, if it has not run yet. */
        void undoNow();

        /**
         * Drops the undo without running it: the mutation it was registered for turned out not to change anything
         * (e.g. the node was already cordoned), so there is nothing to put back.
         */
        void cancel();
    }

    private void runOne(Step step) {
        synchronized (this) {
            if (!steps.remove(step)) {
                return;
            }
            inFlight++;
        }
        execute(step);
    }

    /** Runs a step taken from {@code steps}; the taker counted it in flight in the same critical section. */
    private void execute(Step step) {
        long t0 = System.currentTimeMillis();
        String error = null;
        try {
            step.action().run();
        } catch (Exception e) {
            error = String.valueOf(e);
            synchronized (this) {
                failures.add(step.what() + ": " + e);
            }
            System.err.println("zerodrop: undo of " + step.what() + " failed: " + e);
        } finally {
            synchronized (this) {
                done.add(new Done(step.what(), t0, System.currentTimeMillis(), error));
                inFlight--;
                notifyAll();
            }
        }
    }

    /** Undos running right now, on any thread. */
    private int inFlight;

    /** The undos that have run so far, in the order they ran. */
    public synchronized List<Done> done() {
        return List.copyOf(done);
    }

    /** The shutdown hook: SIGINT or SIGTERM arrived. Says so once, plainly, and undoes everything. */
    private void interrupted() {
        interrupted = true;
        System.err.println("zerodrop: interrupted; undoing " + pending() + " change(s)");
        System.err.flush();
        runAll();
        for (Runnable r : afterSignal) {
            r.run();
        }
    }

    private final List<Runnable> afterSignal = new CopyOnWriteArrayList<>();

    /**
     * Runs {@code r} in the shutdown hook after every undo, when SIGINT or SIGTERM ended the run: the JVM waits for it
     * (e.g. for the reports of what was measured to be written) before it exits.
     */
    public void afterSignal(Runnable r) {
        afterSignal.add(r);
    }

    /** True once SIGINT or SIGTERM has started the undos. */
    public boolean isInterrupted() {
        return interrupted;
    }

    private void runAll() {
        synchronized (this) {
            closing = true;
        }
        while (true) {
            Step step;
            synchronized (this) {
                step = steps.poll();
                if (step != null) {
                    inFlight++; // never neither queued nor in flight: awaitUndone sees it
                }
            }
            if (step == null) {
                break;
            }
            execute(step);
        }
        // an undo another thread took before the signal (a runtime closing) may still be running: the JVM must not
        // exit, nor the reports be written, before it has finished
        synchronized (this) {
            while (inFlight > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Once the undos have started running (close, or SIGINT/SIGTERM on another thread), waits up to
     * {@code timeoutMs} until none is left or running, so that a journal written now lists every one of them. Returns
     * at once when the undos have not started.
     */
    public synchronized void awaitUndone(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (closing && (!steps.isEmpty() || inFlight > 0)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
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
