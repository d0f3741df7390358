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

    /** Reads with {@code call}; {@code what} names the read in the error (e.g. "reading Deployment web"). */
    static <T> T read(String what, Supplier<T> call) {
        long backoffMs = 250;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (KubernetesClientException e) {
                boolean transientAnswer = e.getCode() == 0 || TRANSIENT.contains(e.getCode());
                if (!transientAnswer) {
                    throw e;
                }
                if (attempt >= ATTEMPTS) {
                    throw ZerodropException.environment(what + " failed " + ATTEMPTS + " times in a row: "
                            + Cluster.reason(e), e);
                }
                long waitMs = Math.min(10_000, Math.max(backoffMs, retryAfterMs(e)));
                if (!Sleep.forMs(waitMs)) {
                    throw ZerodropException.environment(what + " interrupted while waiting to read again after: "
                            + Cluster.reason(e), e);
                }
                backoffMs = Math.min(4_000, backoffMs * 2);
            }
        }
    }

    private static long retryAfterMs(KubernetesClientException e) {
        if (e.getStatus() == null || e.getStatus().getDetails() == null
                || e.getStatus().getDetails().getRetryAfterSeconds() == null) {
            return 0;
        }
        return e.getStatus().getDetails().getRetryAfterSeconds() * 1000L;
    }
}
