package io.zerodrop.core;

/**
 * A Kubernetes int-or-percent as zerodrop takes it (maxSurge, maxUnavailable, a budget's minAvailable): a whole
 * number up to 9999, or a percentage up to 100 %. Applied to a count, a percentage is rounded as the reader of that
 * field rounds it — up for maxSurge and a budget's numbers, down for a rollout's maxUnavailable.
 */
public final class IntOrPercent {
    /** What a valid value looks like, for the errors that quote one. */
    public static final String EXPECTED = "a whole number or a percentage like 25%";

    private IntOrPercent() {
    }

    /** Whether {@code v} is a whole number (up to 4 digits) or a percentage of 0 to 100. */
    public static boolean valid(String v) {
        return v != null && v.matches("\\d{1,4}%?") && !(v.endsWith("%") && Integer.parseInt(v.replace("%", "")) > 100);
    }

    /** {@code v} of {@code total}: the number itself, or the percentage rounded up. */
    public static int roundedUp(String v, int total) {
        return of(v, total, true);
    }

    /** {@code v} of {@code total}: the number itself, or the percentage rounded down. */
    public static int roundedDown(String v, int total) {
        return of(v, total, false);
    }

    private static int of(String v, int total, boolean up) {
        if (!valid(v)) {
            throw new IllegalArgumentException("\"" + v + "\" is not " + EXPECTED);
        }
        if (!v.endsWith("%")) {
            return Integer.parseInt(v);
        }
        double share = Integer.parseInt(v.substring(0, v.length() - 1)) * total / 100.0;
        return (int) (up ? Math.ceil(share) : Math.floor(share));
    }
}
