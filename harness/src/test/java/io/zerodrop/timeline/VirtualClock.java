package io.zerodrop.timeline;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A run clock that moves only when told: a test runs the whole pipeline on it in a moment, every due time met to
 * the millisecond, whatever the machine's speed.
 *
 * <p>Two kinds of caller. A task handed over through {@link #track} (a disruption occurrence, a drain's worker)
 * waits in {@link #sleepUntil} until the clock reaches its time. Any other thread that sleeps is the driver (the
 * canned load): it moves the clock to its own wake-up time, and on the way wakes the waiting tasks one at a time in
 * order of their due times, each at its due time, waiting until the woken one has ended or sleeps again before it
 * moves on. A tracked task must block on nothing but this clock; one that does (a lock, a join) is reported after
 * {@link #STUCK_SECONDS} instead of hanging the build.
 */
public final class VirtualClock implements RunClock {
    /** How long (real time) the driver waits for a woken task before calling it stuck. */
    public static final long STUCK_SECONDS = 30;

    private static final ThreadLocal<Boolean> TASK = ThreadLocal.withInitial(() -> false);

    private static final class Waiter implements Comparable<Waiter> {
        final long dueMs;
        final long order;
        boolean woken;

        Waiter(long dueMs, long order) {
            this.dueMs = dueMs;
            this.order = order;
        }

        @Override
        public int compareTo(Waiter o) {
            return dueMs != o.dueMs ? Long.compare(dueMs, o.dueMs) : Long.compare(order, o.order);
        }
    }

    private final PriorityQueue<Waiter> waiting = new PriorityQueue<>();
    private long now;
    private long handedOver;
    private int running;

    public VirtualClock(long startMs) {
        this.now = startMs;
    }

    @Override
    public synchronized long nowMs() {
        return now;
    }

    @Override
    public Runnable track(Runnable task) {
        synchronized (this) {
            running++;
        }
        return () -> {
            TASK.set(true);
            try {
                task.run();
            } finally {
                TASK.remove();
                synchronized (this) {
                    running--;
                    notifyAll();
                }
            }
        };
    }

    @Override
    public boolean sleepUntil(long epochMs) {
        return TASK.get() ? await(epochMs) : advanceTo(epochMs);
    }

    /** A task's sleep: it stops counting as running until the driver wakes it at {@code epochMs}. */
    private synchronized boolean await(long epochMs) {
        if (epochMs <= now) {
            return !Thread.currentThread().isInterrupted();
        }
        Waiter w = new Waiter(epochMs, handedOver++);
        waiting.add(w);
        running--;
        notifyAll();
        try {
            while (!w.woken) {
                wait();
            }
            return true;
        } catch (InterruptedException e) {
            if (!w.woken) {
                waiting.remove(w);
                running++;
            }
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The driver's sleep: every task due by {@code epochMs} woken in order, then the clock set to it. */
    private synchronized boolean advanceTo(long epochMs) {
        try {
            while (true) {
                awaitQuiet();
                Waiter next = waiting.peek();
                if (next == null || next.dueMs > epochMs) {
                    break;
                }
                waiting.poll();
                now = Math.max(now, next.dueMs);
                next.woken = true;
                running++;
                notifyAll();
            }
            now = Math.max(now, epochMs);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until no handed-over task is running (each has ended or sleeps on this clock). */
    private void awaitQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STUCK_SECONDS);
        while (running > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(running + " task(s) on the virtual clock blocked on something else"
                        + " for " + STUCK_SECONDS + " s (at " + now + ")");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** How many tasks sleep on this clock now. */
    public synchronized int sleeping() {
        return waiting.size();
    }
}
