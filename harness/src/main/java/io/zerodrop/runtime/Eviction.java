package io.zerodrop.runtime;

/** What the Eviction API answered (policy/v1, POST pods/{name}/eviction). */
public record Eviction(int status, String message) {
    /** 201: the pod is deleted like a normal delete, grace period honoured. */
    public static Eviction allowed() {
        return new Eviction(201, "evicted");
    }

    /** 429: the eviction would violate a PodDisruptionBudget. */
    public static Eviction refused(String why) {
        return new Eviction(429, why);
    }

    public boolean ok() {
        return status == 200 || status == 201;
    }
}
