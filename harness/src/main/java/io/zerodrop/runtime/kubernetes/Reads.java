package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zerodrop.core.Sleep;
import io.zerodrop.core.ZerodropException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads of the API that a transient answer does not end. fabric8's own retry is off for every call (a mutation's
 * refusal must never be hidden: each mutation has its own rule); a read is safe to repeat, so a 429 (after the
 * server's Retry-After when it gives one), a 500, 502, 503 or 504, or a connection that failed on the way is read
 * again with backoff — 250 ms doubling to 4 s, {@link #ATTEMPTS} attempts in all — and only then reported, with the
 * server's words. Any other answer (403, 404, 422 …) is returned or thrown at once.
 */
final class Reads {
    /** Attempts in all before a transient answer is reported. */
    static final int ATTEMPTS = 6;
    private static final Set<Integer> TRANSIENT = Set.of(429, 500, 502, 503, 504);

    private Reads() {
    }

    /**
     * Whether an answer is worth trying again: a busy or restarting server (429, 5xx), or none at all — the call timed
     * out or the connection broke, which fabric8 reports with code -1 ("Operation: [get] … failed.", the cause
     * beneath) or 0.
     */
    static boolean transientAnswer(KubernetesClientException e) {
        return e.getCode() <= 0 || TRANSIENT.contains(e.getCode());
    }

    /**
     * A call that changes nothing more when repeated — a delete (its 404 is success), a revert guarded by its record —
     * retried as a read is. An undo's request can meet a busy or restarting API server; giving up at once would leave
     * the change in the cluster until somebody runs {@code zerodrop cleanup}.
     */
    static void repeatable(String what, Runnable call) {
        read(what, () -> {
            call.run();
            return null;
        });
    }

    /** Reads with {@code call}; {@code what} names the read in the error (e.g. "reading Deployment web"). */
    static <T> T read(String what, Supplier<T> call) {
        Backoff backoff = new Backoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (KubernetesClientException e) {
                if (!transientAnswer(e)) {
                    throw e;
                }
                if (attempt >= ATTEMPTS) {
                    throw ZerodropException.environment(what + " failed " + ATTEMPTS + " times in a row: "
                            + Cluster.reason(e), e);
                }
                if (!backoff.pause(e)) {
                    throw ZerodropException.environment(what + " interrupted while waiting to read again after: "
                            + Cluster.reason(e), e);
                }
            }
        }
    }

    /**
     * The waits between attempts after transient answers: 250 ms doubling to 4 s, or longer where the server asks
     * for it (Retry-After, at most 10 s).
     */
    static final class Backoff {
        private long nextMs = 250;

        /** Waits before the next attempt after {@code e}; false when interrupted meanwhile. */
        boolean pause(KubernetesClientException e) {
            long waitMs = backoff(nextMs, e);
            nextMs = Math.min(4_000, nextMs * 2);
            return Sleep.forMs(waitMs);
        }
    }

    /** The wait before the next attempt: the backoff, or longer where the server asks for it (at most 10 s). */
    private static long backoff(long backoffMs, KubernetesClientException e) {
        return Math.min(10_000, Math.max(backoffMs, retryAfterMs(e)));
    }

    private static long retryAfterMs(KubernetesClientException e) {
        if (e.getStatus() == null || e.getStatus().getDetails() == null
                || e.getStatus().getDetails().getRetryAfterSeconds() == null) {
            return 0;
        }
        return e.getStatus().getDetails().getRetryAfterSeconds() * 1000L;
    }
}
