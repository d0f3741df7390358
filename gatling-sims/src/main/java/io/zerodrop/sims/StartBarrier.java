package io.zerodrop.sims;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lets the generators of a distributed run begin injecting together, however long each took to load the simulation:
 * when a {@link Generator} runs the simulation, its {@code before()} hook (Gatling runs it before the first user)
 * arrives here and waits for the moment zerodrop gives to all of them, then returns at that moment. Run alone
 * (zerodrop's single load generator, the Gatling Maven plugin) it does not wait.
 */
final class StartBarrier {
    private static final CountDownLatch ARRIVED = new CountDownLatch(1);
    private static final CompletableFuture<Long> GO = new CompletableFuture<>();
    private static volatile boolean enabled;
    private static volatile long waitLimitMs = 600_000;

    private StartBarrier() {
    }

    /** A generator will give the moment; wait at most {@code limitMs} for it. */
    static void enable(long limitMs) {
        waitLimitMs = limitMs;
        enabled = true;
    }

    /** From the simulation's before(): waits for the moment and until it (this JVM's clock), when enabled. */
    static void arriveAndWait() {
        if (!enabled) {
            return;
        }
        ARRIVED.countDown();
        long at;
        try {
            at = GO.get(waitLimitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no start was given within " + waitLimitMs / 1000 + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the start");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        long wait = at - System.currentTimeMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the start");
            }
        }
    }

    /** Whether the simulation is loaded and waiting for the moment. */
    static boolean arrived() {
        return ARRIVED.getCount() == 0;
    }

    /** Whether the moment was given. */
    static boolean given() {
        return GO.isDone();
    }

    /** The moment, on this JVM's clock. */
    static void go(long atMs) {
        GO.complete(atMs);
    }
}
