package io.zerodrop.core;

/** The one interruptible sleep: returns false, with the interrupt flag set again, when interrupted. */
public final class Sleep {
    private Sleep() {
    }

    /** Sleeps {@code ms}; false when interrupted. */
    public static boolean forMs(long ms) {
        if (ms <= 0) {
            return !Thread.currentThread().isInterrupted();
        }
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Sleeps until {@code epochMs} on the host clock; false when interrupted. */
    public static boolean until(long epochMs) {
        return forMs(epochMs - System.currentTimeMillis());
    }
}
